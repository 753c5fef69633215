package io.vaultml.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Track;
import io.vaultml.api.VideoInfo;
import io.vaultml.api.config.ConfigSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Hub classifier's names for the moving rule map onto the tracker and win over the original ones. */
class TrackerSettingsTest {
    static final VideoInfo VIDEO = new VideoInfo(800, 600, 10, 100, 10_000_000, "h264");

    static TrackerSettings from(Map<String, String> env) {
        return TrackerSettings.from(TrackerSettings.CONFIG.parse(ConfigSource.of(env)));
    }

    /** One person moving {@code pixels} in total over {@code frames} frames, 0.5 s apart. */
    static List<Track> walk(TrackerSettings settings, double pixels, int frames) {
        List<FrameDetections> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            double x = 100 + pixels * i / (frames - 1);
            out.add(new FrameDetections(i * 5L, i * 500_000L, List.of(new Detection("person", 0, 0.9f,
                    BoundingBox.ofCenter(x, 300, 40, 80)))));
        }
        return new CentroidTracker(settings).track(out, VIDEO);
    }

    @Test
    void minStaticDistanceIsStaticUpToAndIncludingTheDistanceAndWinsOverMoveDistance() {
        TrackerSettings hub = from(Map.of("MIN_STATIC_DISTANCE", "20", "MOVE_DISTANCE", "500"));
        assertFalse(walk(hub, 20, 4).get(0).moving(), "20 px is at most 20: static");
        assertTrue(walk(hub, 21, 4).get(0).moving(), "farther than 20: moving");
        TrackerSettings original = from(Map.of("MOVE_DISTANCE", "20"));
        assertTrue(walk(original, 20, 4).get(0).moving(), "MOVE_DISTANCE counts from exactly 20");
        assertTrue(from(Map.of("MIN_STATIC_DISTANCE", "0")).moveDistance() > 0, "0 px is static for the Hub");
    }

    @Test
    void minDetectionsIsTheMinimumNumberOfSightingsAndWinsOverTrackerMinSightings() {
        assertEquals(3, from(Map.of("MIN_DETECTIONS", "3", "TRACKER_MIN_SIGHTINGS", "1")).minSightings());
        assertEquals(2, from(Map.of()).minSightings());
        assertEquals(List.of(), walk(from(Map.of("MIN_DETECTIONS", "5")), 200, 4), "4 sightings are not 5");
        assertEquals(1, walk(from(Map.of("MIN_DETECTIONS", "4")), 200, 4).size());
    }
}
