package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.VideoInfo;
import io.vaultml.kerberos.KerberosResults;
import io.vaultml.kerberos.ResultFormat;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.TrackerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the tracker and the result writer make together of the three sampling cases, in both formats: dense frames
 * (tracks; only the moving ones count), sparse frames (one entry per object of each label's busiest frame, all
 * counted), and MOVE_DISTANCE=0 (every tracked object counts).
 */
class CountingTest {
    static final VideoInfo VIDEO = new VideoInfo(800, 600, 10, 300, 30_000_000, "h264");
    static final DetectorInfo DETECTOR = new DetectorInfo("fake", "fake", "cpu");

    static Detection det(String label, double cx, double cy) {
        return new Detection(label, 0, 0.9f, BoundingBox.ofCenter(cx, cy, 40, 80));
    }

    /** A walking person and a parked car, sampled every {@code stepMicros}. */
    static List<FrameDetections> scene(int frames, long stepMicros) {
        List<FrameDetections> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            long t = i * stepMicros;
            out.add(new FrameDetections(t / 100_000, t, List.of(det("person", 100 + i * 60, 300), det("car", 600, 450))));
        }
        return out;
    }

    static JsonNode[] results(List<FrameDetections> frames, TrackerSettings settings) throws Exception {
        AnalysisResult r = new AnalysisResult(RecordingEvent.ofKey("cam/1.mp4"), VIDEO, frames,
                new CentroidTracker(settings).track(frames, VIDEO), true, DETECTOR, Duration.ZERO);
        return new JsonNode[] {LocalModeTest.JSON.readTree(KerberosResults.toJson(r, ResultFormat.HUB)),
            LocalModeTest.JSON.readTree(KerberosResults.toJson(r, ResultFormat.LEGACY)),
            LocalModeTest.JSON.valueToTree(r.objectsOfInterest())};
    }

    @Test
    void denseSamplingTracksAndCountsOnlyWhatMoves() throws Exception {
        JsonNode[] out = results(scene(8, 500_000), TrackerSettings.defaults()); // 2 fps
        JsonNode hub = out[0].get("data");
        assertEquals(1, hub.get("objectCount").asInt());
        assertEquals("[\"pedestrian\"]", hub.get("properties").toString(), "the Hub's word for person");
        assertEquals(2, hub.get("details").size(), "the parked car is reported, not counted");
        assertEquals(8, hub.at("/details/0/occurence").asInt());
        assertFalse(hub.at("/details/0/isStatic").asBoolean());
        assertEquals(true, hub.at("/details/1/isStatic").asBoolean());
        assertEquals(8, out[1].at("/data/labels").size(), "legacy: every analysed frame");
        assertEquals(1, out[2].asInt(), "the forwarding threshold compares with 1");
    }

    @Test
    void sparseSamplingReportsEachObjectOnce() throws Exception {
        JsonNode[] out = results(scene(5, 6_000_000), TrackerSettings.defaults()); // 5 frames 6 s apart
        JsonNode hub = out[0].get("data");
        assertEquals(2, hub.get("objectCount").asInt(), "a person and a car, each once, not five times");
        assertEquals("[\"pedestrian\",\"car\"]", hub.get("properties").toString());
        assertEquals(2, hub.get("details").size());
        for (JsonNode d : hub.get("details")) {
            assertEquals(1, d.get("occurence").asInt());
            assertEquals(0.0, d.get("distance").asDouble(), "motion unknown: distance 0");
            assertFalse(d.get("isStatic").asBoolean(), "not known to be static: counted");
        }
        assertEquals(5, out[1].at("/data/labels").size(), "legacy is unchanged: every frame's detections");
        assertEquals(2, out[2].asInt());
    }

    @Test
    void moveDistanceZeroCountsEveryTrackedObject() throws Exception {
        JsonNode[] out = results(scene(8, 500_000), TrackerSettings.defaults().withMoveDistance(0));
        JsonNode hub = out[0].get("data");
        assertEquals(2, hub.get("objectCount").asInt());
        assertEquals(2, hub.get("details").size());
        assertEquals(8, out[1].at("/data/labels").size());
        assertEquals(2, out[2].asInt());
    }
}
