package io.vaultml.vision.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain Java letterbox against OpenCV's, value for value, so that detection does not depend on which ran. */
class PreprocessorTest {

    @Test
    void theJavaLetterboxIsOpenCvsToWithinOneGreyLevel() {
        Frame bus = Images.read(io.vaultml.test.TestData.require("images/bus.jpg")); // 810x1080, tall
        Frame zidane = Images.read(io.vaultml.test.TestData.require("images/zidane.jpg")); // 1280x720, wide
        Frame noise = noise(37, 23); // tiny and odd-sized: upscaled, edges clamped
        for (OutputLayout layout : new OutputLayout[] {OutputLayout.ULTRALYTICS, OutputLayout.YOLOX}) {
            for (Frame frame : new Frame[] {bus, zidane, noise}) {
                float level = layout.rgbUnit ? 1f / 255f : 1f;
                try (Preprocessor java = new JavaPreprocessor(640, 640, 2, layout);
                        Preprocessor opencv = new OpenCvPreprocessor(640, 640, 2, layout)) {
                    Letterbox a = java.put(frame, 1);
                    Letterbox b = opencv.put(frame, 1);
                    assertEquals(b, a, "the same letterbox");
                    FloatBuffer x = java.input(2);
                    FloatBuffer y = opencv.input(2);
                    int apart = 0;
                    for (int i = 3 * 640 * 640; i < x.limit(); i++) { // slot 1
                        float d = Math.abs(x.get(i) - y.get(i));
                        assertTrue(d <= level * 1.01f, layout + " " + frame.width() + "x" + frame.height() + " at " + i
                                + ": " + x.get(i) + " against OpenCV's " + y.get(i));
                        apart += d > 0 ? 1 : 0;
                    }
                    assertTrue(apart < 3 * 640 * 640 / 5, "mostly equal, the rest one grey level apart (OpenCV rounds its fixed-point weights): " + apart);
                }
            }
        }
    }

    private static Frame noise(int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        new Random(7).nextBytes(pixels);
        ByteBuffer direct = ByteBuffer.allocateDirect(pixels.length).put(pixels).flip();
        return new Frame(0, 0, width, height, direct);
    }
}
