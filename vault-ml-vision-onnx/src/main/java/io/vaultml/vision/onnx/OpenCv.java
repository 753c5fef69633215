package io.vaultml.vision.onnx;

import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/** Loads OpenCV's native library once, and wraps frames as Mats without copying. */
public final class OpenCv {
    private static volatile boolean loaded;

    private OpenCv() {
    }

    /** Loads the bundled native library (extracted to a temporary folder on first use). Idempotent. */
    public static void load() {
        if (!loaded) {
            synchronized (OpenCv.class) {
                if (!loaded) {
                    nu.pattern.OpenCV.loadLocally();
                    loaded = true;
                }
            }
        }
    }

    /**
     * A BGR Mat over the frame's pixels: a view when the buffer is direct (the decoder's always is), a copy
     * otherwise. The caller releases it; a view is valid only while the frame is.
     */
    public static Mat wrap(Frame frame) {
        load();
        ByteBuffer pixels = frame.pixels();
        if (!pixels.isDirect() || pixels.isReadOnly()) {
            ByteBuffer copy = ByteBuffer.allocateDirect(pixels.remaining());
            copy.put(pixels.duplicate()).flip();
            pixels = copy;
        }
        return new Mat(frame.height(), frame.width(), CvType.CV_8UC3, pixels);
    }
}
