package io.vaultml.vision.onnx.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProtoMessageTest {

    @ParameterizedTest
    @ValueSource(strings = {"models/yolox_nano.onnx", "models/yolov8n_int8.onnx"})
    void realModelsSurviveAParseAndWriteUnchanged(String model) throws IOException {
        byte[] original = Files.readAllBytes(TestData.require(model));
        ProtoMessage parsed = ProtoMessage.parse(original);
        parsed.message(7).messages(1); // parse the graph's nodes too, so they are written back from the tree
        assertArrayEquals(original, parsed.toBytes());
    }

    @Test
    void fieldsOfEveryWireTypeRoundTrip() {
        ProtoMessage child = new ProtoMessage().addString(1, "näme").addLong(2, -1L);
        ProtoMessage message = new ProtoMessage().addLong(1, 300).addFloat(2, 0.5f).addMessage(3, child)
                .addLong(4, 7).addLong(4, 8);
        ProtoMessage back = ProtoMessage.parse(message.toBytes());
        assertEquals(List.of(300L), back.longs(1));
        assertEquals("näme", back.message(3).string(1));
        assertEquals(List.of(-1L), back.message(3).longs(2));
        assertEquals(List.of(7L, 8L), back.longs(4));
        assertEquals(Float.floatToIntBits(0.5f), back.longValue(2, 0));
    }

    @Test
    void truncatedInputIsRejected() {
        byte[] bytes = new ProtoMessage().addString(1, "a long enough string").toBytes();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProtoMessage.parse(Arrays.copyOf(bytes, bytes.length - 3)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void derivedModelsDeclareTheirNewOutputs() throws IOException {
        byte[] v8 = Files.readAllBytes(TestData.require("models/yolov8n_int8.onnx"));
        assertEquals(List.of("output0"), OnnxModels.outputNames(v8));
        assertTrue(OnnxModels.outputNames(OnnxModels.asYolov5Layout(v8)).get(0).startsWith("vaultml_test/Concat"));
        assertTrue(OnnxModels.outputNames(OnnxModels.withNonMaxSuppression(v8, 0.45f, 0.25f, 100)).get(0)
                .startsWith("vaultml_test/Unsqueeze"));
        byte[] yolox = Files.readAllBytes(TestData.require("models/yolox_nano.onnx"));
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> OnnxModels.asYolov5Layout(yolox));
        assertEquals("this derivation needs opset 18, the model has 11", old.getMessage());
    }
}
