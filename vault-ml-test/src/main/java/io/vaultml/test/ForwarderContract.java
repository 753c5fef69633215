package io.vaultml.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Forwarder;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.VideoInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Forwarder} must do: when {@code forward} returns, the message can be read back at the
 * destination, body and key intact. Extend it and supply the forwarder and a reader of its destination.
 */
public abstract class ForwarderContract {

    protected abstract Forwarder newForwarder();

    /** Every message at the destination so far, as key and body, in arrival order. */
    protected abstract List<Map.Entry<String, byte[]>> readBack();

    /** A result message for {@code key} with the given body, as the worker would publish it. */
    public static ResultMessage message(String key, String json) {
        AnalysisResult result = new AnalysisResult(RecordingEvent.ofKey(key),
                new VideoInfo(640, 360, 10, 100, 10_000_000, "h264"), List.of(), List.of(), false,
                new DetectorInfo("fake", "fake", "cpu"), Duration.ofMillis(5));
        return new ResultMessage(key, json.getBytes(StandardCharsets.UTF_8), Map.of("vaultml-detector", "fake"),
                result);
    }

    @Test
    void forwardedMessagesArriveWithKeyAndBodyIntact() {
        ResultMessage first = message("cam/1 ü.mp4", "{\"operation\":\"classification\",\"n\":1}");
        ResultMessage second = message("cam/2.mp4", "{\"operation\":\"classification\",\"n\":2}");
        try (Forwarder f = newForwarder()) {
            f.forward(first);
            f.forward(second);
        }
        List<Map.Entry<String, byte[]>> got = readBack();
        assertEquals(2, got.size());
        assertEquals(first.key(), got.get(0).getKey());
        assertArrayEquals(first.body(), got.get(0).getValue());
        assertEquals(second.key(), got.get(1).getKey());
        assertArrayEquals(second.body(), got.get(1).getValue());
    }

    @Test
    void closeIsIdempotent() {
        Forwarder f = newForwarder();
        f.close();
        assertDoesNotThrow(f::close);
    }
}
