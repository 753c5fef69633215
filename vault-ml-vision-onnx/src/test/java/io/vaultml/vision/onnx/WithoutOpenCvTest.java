package io.vaultml.vision.onnx;

import static io.vaultml.vision.onnx.OnnxYoloDetectorTest.assertFound;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Detection;
import io.vaultml.api.Frame;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.TestData;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * vault-ml-vision-onnx as an application gets it without OpenCV: run by its own surefire execution with
 * {@code org.openpnp:opencv} taken off the class path. YOLO finds what it finds with OpenCV; what needs OpenCV says
 * so.
 */
class WithoutOpenCvTest {

    @Test
    void yoloDetectsWithoutOpenCvAndWhatNeedsItSaysWhatToAdd() throws Exception {
        assertFalse(OpenCv.available(), "this execution runs without OpenCV on the class path");
        try (OnnxYoloDetector d = OnnxYoloDetectorTest.yolov8()) {
            List<Detection> found = d.detect(bgr("bus.jpg"));
            // The references OnnxYoloDetectorTest holds with OpenCV's letterbox.
            assertFound(found, "person", 0.5f, 673, 384, 810, 879);
            assertFound(found, "person", 0.5f, 221, 408, 343, 857);
            assertFound(found, "person", 0.5f, 51, 399, 243, 904);
            assertFound(found, "bus", 0.5f, 36, 232, 798, 774);
        }
        Map<String, String> colours = Map.of("MODEL_PATH", TestData.require("models/yolov8n_int8.onnx").toString(),
                "FIND_DOMINANT_COLORS", "true");
        OnnxYoloDetectorProvider onnx = new OnnxYoloDetectorProvider();
        assertEquals(List.of("FIND_DOMINANT_COLORS=true needs OpenCV: add org.openpnp:opencv (the version "
                + "vault-ml-bom manages) to the application's dependencies"),
                onnx.validate(onnx.configDef().parse(ConfigSource.of(colours))));
        HogPeopleDetectorProvider hog = new HogPeopleDetectorProvider();
        assertEquals("needs OpenCV (org.openpnp:opencv) on the class path",
                hog.availability(hog.configDef().parse(ConfigSource.of(Map.of()))).reason());
        ConfigException images = assertThrows(ConfigException.class,
                () -> Images.read(TestData.require("images/bus.jpg")));
        assertTrue(images.getMessage().startsWith("Reading still images needs OpenCV"), images.getMessage());
    }

    /** The image as the decoder gives frames (BGR, direct), read with the JDK's ImageIO. */
    static Frame bgr(String name) throws Exception {
        BufferedImage image = ImageIO.read(TestData.require("images/" + name).toFile());
        ByteBuffer pixels = ByteBuffer.allocateDirect(image.getWidth() * image.getHeight() * 3);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                pixels.put((byte) rgb).put((byte) (rgb >> 8)).put((byte) (rgb >> 16));
            }
        }
        return new Frame(0, 0, image.getWidth(), image.getHeight(), pixels.flip());
    }
}
