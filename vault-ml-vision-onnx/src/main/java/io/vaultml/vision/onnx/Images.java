package io.vaultml.vision.onnx;

import io.vaultml.api.Frame;
import io.vaultml.api.UnprocessableInputException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.imgcodecs.Imgcodecs;

/** Still images as frames (JPEG, PNG, ... as OpenCV reads them). */
public final class Images {
    private Images() {
    }

    /** Reads an image file into a BGR frame with index 0. */
    public static Frame read(Path file) {
        OpenCv.require("Reading still images");
        OpenCv.load();
        Mat image = Imgcodecs.imread(file.toString(), Imgcodecs.IMREAD_COLOR);
        try {
            if (image.empty()) {
                throw new UnprocessableInputException("decode", "Image " + file + " cannot be read");
            }
            return toFrame(image);
        } finally {
            image.release();
        }
    }

    /** Copies a BGR Mat into a frame that owns its pixels. */
    public static Frame toFrame(Mat bgr) {
        int bytes = (int) (bgr.total() * bgr.channels());
        byte[] data = new byte[bytes];
        bgr.get(0, 0, data);
        ByteBuffer pixels = ByteBuffer.allocateDirect(bytes);
        pixels.put(data).flip();
        return new Frame(0, 0, bgr.cols(), bgr.rows(), pixels);
    }

    /** Whether a file name looks like a still image rather than a video. */
    public static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".jpg") || name.endsWith(".jpeg") || name.endsWith(".png") || name.endsWith(".bmp");
    }
}
