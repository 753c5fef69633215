package io.vaultml.vision.onnx;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;
import org.opencv.objdetect.HOGDescriptor;

/**
 * OpenCV's built-in HOG + linear SVM pedestrian detector: needs no model file, so it is the zero-download
 * default when no ONNX model is configured. It finds upright people only (label {@code person}, class 0), is
 * much less accurate than a YOLO model and is meant for trying vault-ml out. Frames wider than 640 pixels are
 * scaled down first (HOG cost grows with area); confidence is the logistic of the SVM margin.
 */
public final class HogPeopleDetector implements Detector {
    private static final int MAX_WIDTH = 640;
    private final HOGDescriptor hog;
    private final float minConfidence;
    private boolean closed;

    public HogPeopleDetector(float minConfidence) {
        OpenCv.load();
        this.minConfidence = minConfidence;
        this.hog = new HOGDescriptor();
        hog.setSVMDetector(HOGDescriptor.getDefaultPeopleDetector());
    }

    @Override
    public DetectorInfo info() {
        return new DetectorInfo("hog", "opencv-hog-people", "cpu");
    }

    @Override
    public java.util.List<String> classes() {
        return java.util.List.of("person");
    }

    @Override
    public List<Detection> detect(Frame frame) {
        if (closed) {
            throw new IllegalStateException("detector is closed");
        }
        Mat source = OpenCv.wrap(frame);
        Mat scaled = new Mat();
        MatOfRect found = new MatOfRect();
        MatOfDouble weights = new MatOfDouble();
        try {
            double scale = frame.width() > MAX_WIDTH ? (double) MAX_WIDTH / frame.width() : 1.0;
            Mat input = source;
            if (scale < 1.0) {
                Imgproc.resize(source, scaled, new Size(), scale, scale, Imgproc.INTER_AREA);
                input = scaled;
            }
            hog.detectMultiScale(input, found, weights, 0, new Size(8, 8), new Size(8, 8), 1.05, 2.0, false);
            Rect[] rects = found.toArray();
            double[] w = weights.empty() ? new double[rects.length] : weights.toArray();
            List<Detection> out = new ArrayList<>();
            for (int i = 0; i < rects.length; i++) {
                float confidence = (float) (1.0 / (1.0 + Math.exp(-w[i])));
                if (confidence < minConfidence) {
                    continue;
                }
                Rect r = rects[i];
                BoundingBox box = new BoundingBox(Math.max(0, r.x / scale), Math.max(0, r.y / scale),
                        Math.min(frame.width(), (r.x + r.width) / scale),
                        Math.min(frame.height(), (r.y + r.height) / scale));
                out.add(new Detection("person", 0, confidence, box));
            }
            return Nms.suppress(out, 0.45f, 300);
        } finally {
            weights.release();
            found.release();
            scaled.release();
            source.release();
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
