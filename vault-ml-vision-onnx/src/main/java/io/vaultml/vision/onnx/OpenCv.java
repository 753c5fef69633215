package io.vaultml.vision.onnx;

import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import org.opencv.core.CvType;
import org.opencv.core.Mat;

/**
 * Loads OpenCV's native library once, and wraps frames as Mats without copying. OpenCV ({@code org.openpnp:opencv},
 * about 100 MB with every platform's natives) is optional for applications: YOLO detection runs without it; the
 * HOG detector, {@code FIND_DOMINANT_COLORS} and reading still images need it ({@link #require}).
 */
public final class OpenCv {
    private static volatile boolean loaded;
    private static final boolean PRESENT = present();

    private OpenCv() {
    }

    private static boolean present() {
        try {
            Class.forName("nu.pattern.OpenCV", false, OpenCv.class.getClassLoader());
            Class.forName("org.opencv.core.Mat", false, OpenCv.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether OpenCV's classes are on the class path (its native library is loaded on first use). */
    public static boolean available() {
        return PRESENT;
    }

    /**
     * Fails with what to add when OpenCV is missing.
     *
     * @param what needs it, e.g. {@code "FIND_DOMINANT_COLORS"}
     * @throws io.vaultml.api.ConfigException when OpenCV is not on the class path
     */
    public static void require(String what) {
        if (!PRESENT) {
            throw new io.vaultml.api.ConfigException(what + " needs OpenCV: add org.openpnp:opencv (the version "
                    + "vault-ml-bom manages) to the application's dependencies");
        }
    }

    /** Loads the bundled native library (extracted to a temporary folder on first use). Idempotent. */
    public static void load() {
        require("OpenCV's use here");
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
        ByteBuffer pixels = frame.pixels().slice(); // from the frame's position, as the Java letterbox reads it
        if (!pixels.isDirect() || pixels.isReadOnly()) {
            ByteBuffer copy = ByteBuffer.allocateDirect(pixels.remaining());
            copy.put(pixels.duplicate()).flip();
            pixels = copy;
        }
        return new Mat(frame.height(), frame.width(), CvType.CV_8UC3, pixels);
    }
}
