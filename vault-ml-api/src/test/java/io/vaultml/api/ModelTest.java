package io.vaultml.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTest {

    @Test
    void boxGeometry() {
        BoundingBox a = new BoundingBox(0, 0, 10, 10);
        BoundingBox b = new BoundingBox(5, 5, 15, 15);
        assertEquals(25.0 / 175.0, a.iou(b), 1e-9);
        assertEquals(0, a.iou(new BoundingBox(20, 20, 30, 30)));
        assertEquals(Math.hypot(5, 5), a.centerDistance(b), 1e-9);
        assertEquals(new BoundingBox(5, 10, 15, 30), BoundingBox.ofCenter(10, 20, 10, 20));
        assertThrows(IllegalArgumentException.class, () -> new BoundingBox(10, 0, 5, 10));
        assertThrows(IllegalArgumentException.class, () -> new BoundingBox(Double.NaN, 0, 5, 10));
    }

    @Test
    void detectionValidatesConfidenceAndLabel() {
        BoundingBox box = new BoundingBox(0, 0, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new Detection("person", 0, 1.5f, box));
        assertThrows(IllegalArgumentException.class, () -> new Detection("person", 0, Float.NaN, box));
        assertThrows(IllegalArgumentException.class, () -> new Detection(" ", 0, 0.5f, box));
        assertThrows(IllegalArgumentException.class, () -> new Detection("person", -2, 0.5f, box));
    }

    @Test
    void frameChecksBufferSize() {
        assertThrows(IllegalArgumentException.class, () -> new Frame(0, 0, 4, 4, ByteBuffer.allocate(47)));
        Frame f = new Frame(3, 1_500_000, 4, 4, ByteBuffer.allocateDirect(48));
        assertEquals(1.5, f.timestampSeconds());
        assertEquals("Frame[index=3, t=1500000us, 4x4]", f.toString());
    }

    @Test
    void secretsNeverPrint() {
        Secret s = Secret.of("hunter2");
        assertEquals("[hidden]", s.toString());
        assertEquals(Secret.of("hunter2"), s);
        RecordingEvent e = new RecordingEvent("u/a.mp4", "storj", 10, Map.of("event-instancename", "cam"),
                Secret.of("PUBKEY-123"), "https://signed/?sig=abc",
                new StorageOverride("http://v", "AK-1", Secret.of("SK-1")), "{\"secret\":\"PUBKEY-123\"}");
        String text = e.toString();
        for (String leaked : List.of("PUBKEY-123", "AK-1", "SK-1", "sig=abc")) {
            assertFalse(text.contains(leaked), leaked + " leaked in " + text);
        }
        assertTrue(text.contains("u/a.mp4"));
        assertEquals("cam", e.cameraName());
    }

    @Test
    void eventRejectsBlankKeyAndPublicKeyInMetadata() {
        assertThrows(IllegalArgumentException.class, () -> RecordingEvent.ofKey(" "));
        assertThrows(IllegalArgumentException.class, () -> new RecordingEvent("k", "", -1,
                Map.of("publickey", "x"), null, null, StorageOverride.NONE, "{}"));
        assertTrue(RecordingEvent.ofKey("k").declaredFileSize().isEmpty());
        assertEquals("{\"payload\":{\"key\":\"a \\\"b\\\"\"}}", RecordingEvent.ofKey("a \"b\"").rawJson());
    }

    @Test
    void storageOverrideTreatsBlankAsAbsent() {
        StorageOverride o = new StorageOverride(" ", "", Secret.of(""));
        assertTrue(o.isEmpty());
    }

    @Test
    void deliveryAndMediaAreDefensive() {
        byte[] body = {1, 2, 3};
        Delivery d = new Delivery("t-0@5", body, Map.of(), 1);
        body[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, d.payload());
        d.payload()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, d.payload());
        assertEquals("Delivery[id=t-0@5, 3 bytes, attempt=1]", d.toString());
        Media m = Media.of("k", new byte[] {4, 5});
        assertTrue(m.data().isReadOnly());
        assertEquals(2, m.size());
        m.view().get();
        assertEquals(0, m.view().position());
    }

    @Test
    void objectsOfInterestFollowTheDocumentedRule() {
        BoundingBox box = new BoundingBox(0, 0, 1, 1);
        Detection person = new Detection("person", 0, 0.9f, box);
        List<FrameDetections> frames = List.of(new FrameDetections(0, 0, List.of(person)),
                new FrameDetections(10, 1, List.of(person, person, person)), new FrameDetections(20, 2, List.of()));
        VideoInfo video = new VideoInfo(640, 360, 10, 300, 30_000_000, "h264");
        DetectorInfo info = new DetectorInfo("fake", "fake", "cpu");
        AnalysisResult untracked = new AnalysisResult(RecordingEvent.ofKey("k"), video, frames, List.of(), false,
                info, Duration.ZERO);
        assertEquals(3, untracked.objectsOfInterest());
        assertEquals(4, untracked.detectionCount());
        TrackPoint p = new TrackPoint(0, 0, "person", 0.9f, box);
        List<Track> tracks = List.of(new Track(1, "person", List.of(p), 0, 0, false),
                new Track(2, "car", List.of(p, p), 120, 110, true));
        AnalysisResult tracked = new AnalysisResult(RecordingEvent.ofKey("k"), video, frames, tracks, true, info,
                Duration.ZERO);
        assertEquals(1, tracked.objectsOfInterest());
        assertThrows(IllegalArgumentException.class, () -> new AnalysisResult(RecordingEvent.ofKey("k"), video,
                frames, tracks, false, info, Duration.ZERO));
    }
}
