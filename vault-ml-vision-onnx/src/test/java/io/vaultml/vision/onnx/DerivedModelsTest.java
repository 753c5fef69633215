package io.vaultml.vision.onnx;

import static io.vaultml.vision.onnx.OnnxYoloDetectorTest.image;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.Frame;
import io.vaultml.test.DetectorContract;
import io.vaultml.test.TestData;
import io.vaultml.vision.onnx.models.OnnxModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The detector paths that the two shipped models do not reach by themselves (batched inference, the YOLOv5 layout,
 * NMS inside the model), run on models derived from them at test time ({@link OnnxModels}). Each derived model
 * computes the same network, so the detector must report the original model's detections.
 */
class DerivedModelsTest {
    @TempDir
    static Path dir;

    static Path derive(String source, String name, UnaryOperator<byte[]> how) {
        Path target = dir.resolve(name);
        try {
            if (!Files.exists(target)) {
                Files.write(target, how.apply(Files.readAllBytes(TestData.require("models/" + source))));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static OnnxYoloDetector dynamicYolox(int batch) {
        return OnnxYoloDetector.open(YoloOptions.of(derive("yolox_nano.onnx", "yolox_dynamic.onnx",
                OnnxModels::withDynamicBatch)).withBatchSize(batch));
    }

    /** Same objects, same order, confidences within {@code 1e-3}, box corners within half a pixel. */
    static void assertSameDetections(List<Detection> expected, List<Detection> actual) {
        assertEquals(expected.size(), actual.size(), () -> "expected " + expected + "\nbut got " + actual);
        for (int i = 0; i < expected.size(); i++) {
            Detection e = expected.get(i);
            Detection a = actual.get(i);
            String both = "expected " + e + " got " + a;
            assertEquals(e.label(), a.label(), both);
            assertEquals(e.confidence(), a.confidence(), 1e-3, both);
            assertEquals(e.box().x1(), a.box().x1(), 0.5, both);
            assertEquals(e.box().y1(), a.box().y1(), 0.5, both);
            assertEquals(e.box().x2(), a.box().x2(), 0.5, both);
            assertEquals(e.box().y2(), a.box().y2(), 0.5, both);
        }
    }

    static List<Detection> above(List<Detection> all, float confidence) {
        return all.stream().filter(d -> d.confidence() >= confidence).toList();
    }

    @Test
    void aDynamicBatchRunsSeveralFramesOfDifferentSizesInOneInference() {
        // bus 810x1080, zidane 1280x720, dog 768x576, peds_0: four letterboxes in one input tensor.
        List<Frame> frames = List.of(image("bus.jpg"), image("zidane.jpg"), image("dog.jpg"), image("peds_0.jpg"),
                image("bus.jpg"));
        try (OnnxYoloDetector fixed = OnnxYoloDetectorTest.yolox(); OnnxYoloDetector batched = dynamicYolox(4)) {
            assertEquals(1, fixed.preferredBatchSize());
            assertEquals(4, batched.preferredBatchSize());
            assertEquals(OutputLayout.YOLOX, batched.layout());
            List<List<Detection>> together = batched.detectAll(frames);
            assertEquals(2, batched.timings().runs(), "5 frames at batch 4 take two inferences");
            assertEquals(5, batched.timings().frames());
            for (int i = 0; i < frames.size(); i++) {
                assertSameDetections(fixed.detect(frames.get(i)), together.get(i));
            }
            assertTrue(together.get(2).stream().anyMatch(d -> d.label().equals("dog") && d.confidence() > 0.5f),
                    together.get(2).toString());
        }
    }

    @Test
    void aPartialBatchIsRunAtItsOwnSize() {
        try (OnnxYoloDetector batched = dynamicYolox(8)) {
            List<List<Detection>> two = batched.detectAll(List.of(image("zidane.jpg"), image("bus.jpg")));
            assertEquals(1, batched.timings().runs());
            assertEquals(2, OnnxYoloDetectorTest.count(two.get(0), "person", 0.5f), two.get(0).toString());
            assertTrue(OnnxYoloDetectorTest.count(two.get(1), "person", 0.5f) >= 3, two.get(1).toString());
        }
    }

    @Test
    void onTheCpuTheDefaultBatchIsOneFrame() {
        Path model = derive("yolox_nano.onnx", "yolox_dynamic.onnx", OnnxModels::withDynamicBatch);
        try (OnnxYoloDetector detector = OnnxYoloDetector.open(YoloOptions.of(model))) {
            assertEquals(1, detector.preferredBatchSize(), "bench measured no gain from batches on the CPU");
            detector.detectAll(List.of(image("zidane.jpg"), image("bus.jpg")));
            assertEquals(2, detector.timings().runs());
        }
    }

    @Test
    void theYolov5LayoutIsRecognisedAndDecodedLikeTheOriginal() {
        Path v5 = derive("yolov8n_int8.onnx", "yolov8n_v5.onnx", OnnxModels::asYolov5Layout);
        try (OnnxYoloDetector original = OnnxYoloDetectorTest.yolov8();
                OnnxYoloDetector derived = OnnxYoloDetector.open(YoloOptions.of(v5))) {
            assertEquals(OutputLayout.YOLOV5, derived.layout(), "[1, 25200, 85] at 640 is YOLOv5's three anchors");
            assertEquals("person", derived.classNames().get(0));
            for (String picture : List.of("bus.jpg", "zidane.jpg")) {
                assertSameDetections(original.detect(image(picture)), derived.detect(image(picture)));
            }
        }
    }

    /** Ultralytics' end-to-end {@code [1, K, 6]} and YOLOv7's {@code [K, 7]} table with a batch column. */
    static Stream<Arguments> nmsModels() {
        return Stream.of(
                Arguments.of("yolov8n_nms.onnx",
                        (UnaryOperator<byte[]>) m -> OnnxModels.withNonMaxSuppression(m, 0.45f, 0.25f, 100)),
                Arguments.of("yolov8n_nms_rows.onnx",
                        (UnaryOperator<byte[]>) m -> OnnxModels.withNonMaxSuppressionRows(m, 0.45f, 0.25f, 100)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nmsModels")
    void nmsInsideTheModelIsRecognisedAndGivesTheOriginalDetections(String name, UnaryOperator<byte[]> how) {
        Path nms = derive("yolov8n_int8.onnx", name, how);
        try (OnnxYoloDetector original = OnnxYoloDetectorTest.yolov8();
                OnnxYoloDetector derived = OnnxYoloDetector.open(YoloOptions.of(nms))) {
            assertEquals(OutputLayout.NMS, derived.layout());
            for (String picture : List.of("bus.jpg", "zidane.jpg")) {
                // In-model NMS keeps a box once per class above the threshold; the plain decoder keeps only the
                // best class per box, so faint second-class duplicates may differ, never the confident objects.
                assertSameDetections(above(original.detect(image(picture)), 0.4f),
                        above(derived.detect(image(picture)), 0.4f));
            }
        }
        try (OnnxYoloDetector people = OnnxYoloDetector.open(YoloOptions.of(nms).withAllowedClasses(List.of("person")))) {
            List<Detection> found = people.detect(image("bus.jpg"));
            assertTrue(found.size() >= 3 && found.stream().allMatch(d -> d.label().equals("person")), found.toString());
        }
    }

    @Test
    void aModelWhoseOutputIsNoYoloLayoutIsAOneLineConfigurationError() {
        Path flat = derive("yolov8n_int8.onnx", "yolov8n_flat.onnx", OnnxModels::withFlatOutput);
        ConfigException e = assertThrows(ConfigException.class, () -> OnnxYoloDetector.open(YoloOptions.of(flat)));
        assertTrue(e.getMessage().startsWith("Model " + flat + " cannot be used: expected a 3-d output"), e.getMessage());
        assertTrue(e.getMessage().contains("or MODEL_LAYOUT set"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void layoutsAreToldApartByShape() {
        assertEquals(OutputLayout.ULTRALYTICS, OutputLayout.detect(new long[] {1, 84, 8400}, 640, 640, false));
        assertEquals(OutputLayout.YOLOX, OutputLayout.detect(new long[] {1, 3549, 85}, 416, 416, false));
        assertEquals(OutputLayout.YOLOV5, OutputLayout.detect(new long[] {1, 25200, 85}, 640, 640, false));
        assertEquals(OutputLayout.NMS, OutputLayout.detect(new long[] {1, 300, 6}, 640, 640, false));
        assertEquals(OutputLayout.NMS, OutputLayout.detect(new long[] {1, 8000, 6}, 640, 640, true));
        assertEquals(OutputLayout.NMS, OutputLayout.detect(new long[] {-1, 7}, 640, 640, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputLayout.detect(new long[] {1, 1000}, 640, 640, false));
        assertEquals("expected a 3-d output [batch, a, b] or NMS rows [n, 7], got [1, 1000]", e.getMessage());
    }

    @Nested
    class DynamicBatchContract extends DetectorContract {
        @Override
        protected Detector newDetector() {
            return dynamicYolox(3);
        }

        @Override
        protected Frame frameWithObjects() {
            return image("bus.jpg");
        }
    }
}
