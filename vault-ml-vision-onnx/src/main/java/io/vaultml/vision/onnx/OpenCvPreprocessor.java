package io.vaultml.vision.onnx;

import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfInt;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * The {@link Preprocessor} with OpenCV (vectorised resize and channel scatter), used when OpenCV is on the class
 * path. Not thread-safe; {@link #close} releases the native Mats.
 */
final class OpenCvPreprocessor implements Preprocessor {
    private final int width;
    private final int height;
    private final OutputLayout layout;
    private final FloatBuffer floats;
    private final Mat canvas;
    private final Mat canvasFloat;
    private final List<List<Mat>> planes = new ArrayList<>();
    private final MatOfInt channelOrder;

    OpenCvPreprocessor(int width, int height, int batchCapacity, OutputLayout layout) {
        this.width = width;
        this.height = height;
        this.layout = layout;
        int planeFloats = width * height;
        ByteBuffer bytes = ByteBuffer.allocateDirect(batchCapacity * 3 * planeFloats * Float.BYTES)
                .order(ByteOrder.nativeOrder());
        this.floats = bytes.asFloatBuffer();
        for (int b = 0; b < batchCapacity; b++) {
            List<Mat> channels = new ArrayList<>(3);
            for (int c = 0; c < 3; c++) {
                int offset = (b * 3 + c) * planeFloats * Float.BYTES;
                channels.add(new Mat(height, width, CvType.CV_32FC1, bytes.slice(offset, planeFloats * Float.BYTES)));
            }
            planes.add(channels);
        }
        this.canvas = new Mat(height, width, CvType.CV_8UC3);
        this.canvasFloat = new Mat(height, width, CvType.CV_32FC3);
        // RGB models take the red plane first: plane 0 <- B,G,R channel 2.
        this.channelOrder = layout.rgbUnit ? new MatOfInt(2, 0, 1, 1, 0, 2) : new MatOfInt(0, 0, 1, 1, 2, 2);
    }

    @Override
    public Letterbox put(Frame frame, int slot) {
        Letterbox lb = Letterbox.fit(frame.width(), frame.height(), width, height, layout.centred);
        Mat source = OpenCv.wrap(frame);
        Mat region = canvas.submat(lb.padY(), lb.padY() + lb.height(), lb.padX(), lb.padX() + lb.width());
        try {
            canvas.setTo(new Scalar(114, 114, 114));
            Imgproc.resize(source, region, new Size(lb.width(), lb.height()), 0, 0, Imgproc.INTER_LINEAR);
            canvas.convertTo(canvasFloat, CvType.CV_32FC3, layout.rgbUnit ? 1.0 / 255.0 : 1.0);
            // Scatter the interleaved channels into the tensor's planes (the Mats are views of the input buffer).
            Core.mixChannels(List.of(canvasFloat), planes.get(slot), channelOrder);
        } finally {
            region.release();
            source.release();
        }
        return lb;
    }

    @Override
    public FloatBuffer input(int batch) {
        return floats.duplicate().position(0).limit(batch * 3 * width * height).slice();
    }

    @Override
    public void close() {
        planes.forEach(list -> list.forEach(Mat::release));
        canvas.release();
        canvasFloat.release();
        channelOrder.release();
    }
}
