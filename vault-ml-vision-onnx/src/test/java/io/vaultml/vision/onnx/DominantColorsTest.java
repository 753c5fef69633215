package io.vaultml.vision.onnx;

import static io.vaultml.vision.onnx.OnnxYoloDetectorTest.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detection;
import io.vaultml.api.DominantColor;
import io.vaultml.api.Frame;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Colours of real objects in the test images, and the palette. */
class DominantColorsTest {

    static List<String> names(List<DominantColor> colors) {
        return colors.stream().map(DominantColor::name).toList();
    }

    @Test
    void theMadridBusIsBlueAndWhiteAndTheCoachesSuitsAreBlack() {
        try (ColorFindingDetector detector = new ColorFindingDetector(OnnxYoloDetectorTest.yolov8(), 3)) {
            // bus.jpg: a blue-and-white electric city bus behind four people.
            Detection bus = detector.detect(image("bus.jpg")).stream().filter(d -> d.label().equals("bus")).findFirst()
                    .orElseThrow();
            List<String> busColors = names(bus.colors());
            assertTrue(busColors.subList(0, 2).contains("blue"), "the bus: " + bus.colors());
            assertTrue(busColors.contains("white") || busColors.contains("grey"), "its white roof and panels: "
                    + bus.colors());
            assertEquals(1.0, bus.colors().stream().mapToDouble(DominantColor::share).sum(), 1e-9);
            System.out.println("DominantColorsTest: bus " + bus.colors());
            // zidane.jpg: two men in black suits.
            List<Detection> people = detector.detect(image("zidane.jpg")).stream()
                    .filter(d -> d.label().equals("person") && d.confidence() > 0.5f).toList();
            assertEquals(2, people.size());
            for (Detection p : people) {
                assertEquals("black", p.colors().get(0).name(), "a black suit: " + p.colors());
                System.out.println("DominantColorsTest: person " + p.colors());
            }
        }
    }

    @Test
    void thePaletteNamesLightnessFirstThenHue() {
        assertEquals("black", DominantColors.describe(20, 20, 20, 1).name());
        assertEquals("white", DominantColors.describe(240, 240, 240, 1).name());
        assertEquals("grey", DominantColors.describe(128, 128, 128, 1).name());
        assertEquals("red", DominantColors.describe(30, 30, 200, 1).name());
        assertEquals("blue", DominantColors.describe(200, 80, 30, 1).name());
        assertEquals("green", DominantColors.describe(40, 180, 40, 1).name());
        assertEquals("yellow", DominantColors.describe(40, 210, 220, 1).name());
        assertEquals("brown", DominantColors.describe(30, 60, 100, 1).name());
        DominantColor blue = DominantColors.describe(255, 0, 0, 1);
        assertEquals(120, blue.hue(), "OpenCV half-degrees: 240 degrees");
        assertEquals(255, blue.saturation());
    }

    @Test
    void aBoxWithoutPixelsHasNoColours() {
        Frame frame = image("bus.jpg");
        assertFalse(frame.width() == 0);
        assertEquals(List.of(), DominantColors.find(frame, new io.vaultml.api.BoundingBox(5, 5, 6, 6), 3));
    }
}
