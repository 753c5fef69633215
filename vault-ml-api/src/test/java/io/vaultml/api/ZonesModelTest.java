package io.vaultml.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Zones, masks and the camera a recording belongs to. */
class ZonesModelTest {
    static final Polygon WALKWAY = Polygon.of(new double[] {0.18, 0.25}, new double[] {0.30, 0.25},
            new double[] {0.36, 1.0}, new double[] {0.05, 1.0});

    @Test
    void aPolygonHoldsThePointsInsideItAndAnObjectStandsWhereItsBoxEnds() {
        assertTrue(WALKWAY.contains(0.2, 0.9));
        assertFalse(WALKWAY.contains(0.5, 0.9));
        assertFalse(WALKWAY.contains(0.2, 0.1), "above the zone");
        // A 1000x500 frame: the box's bottom centre (200, 450) is (0.2, 0.9), inside, though its top is not.
        assertTrue(WALKWAY.containsFootOf(new BoundingBox(150, 10, 250, 450), 1000, 500));
        assertFalse(WALKWAY.containsFootOf(new BoundingBox(150, 10, 250, 100), 1000, 500));
        // Feet out of shot: the detector clamps the box to the frame's bottom edge, which the zone reaches.
        assertTrue(WALKWAY.containsFootOf(new BoundingBox(150, 300, 250, 500), 1000, 500));
        assertEquals((0.12 + 0.31) / 2 * 0.75, WALKWAY.area(), 1e-9, "a trapezoid: mean width times height");
    }

    @Test
    void degenerateAndCrossingPolygonsAreRecognised() {
        assertEquals(0, Polygon.of(new double[] {0, 0}, new double[] {0.5, 0.5}, new double[] {1, 1}).area(), 1e-12);
        Polygon bowTie = Polygon.of(new double[] {0, 0}, new double[] {1, 1}, new double[] {1, 0}, new double[] {0, 1});
        assertTrue(bowTie.selfIntersecting());
        assertFalse(WALKWAY.selfIntersecting());
    }

    @Test
    void zonesCountTheLabelsTheyListAndMasksDropWhatStandsInThem() {
        CameraZones zones = new CameraZones(List.of(new CameraZones.Zone("walkway", WALKWAY, Set.of("person")),
                new CameraZones.Zone("anything", Polygon.of(new double[] {0, 0}, new double[] {1, 0},
                        new double[] {1, 1}, new double[] {0, 1}), Set.of())),
                List.of(Polygon.of(new double[] {0.9, 0}, new double[] {1, 0}, new double[] {1, 0.1},
                        new double[] {0.9, 0.1})));
        BoundingBox onWalkway = new BoundingBox(150, 300, 250, 450);
        assertEquals(List.of("walkway", "anything"), List.copyOf(zones.zonesOf("person", onWalkway, 1000, 500)));
        assertEquals(List.of("anything"), List.copyOf(zones.zonesOf("car", onWalkway, 1000, 500)));
        assertTrue(zones.masked(new BoundingBox(920, 0, 980, 40), 1000, 500));
        assertFalse(zones.masked(onWalkway, 1000, 500));
    }

    @Test
    void objectsOfInterestInZonesCountOnlyThoseThatStoodThere() {
        CameraZones zones = new CameraZones(List.of(new CameraZones.Zone("walkway", WALKWAY, Set.of())), List.of());
        Track walker = track(1, "person", new BoundingBox(600, 300, 700, 450), new BoundingBox(150, 300, 250, 450));
        Track driver = track(2, "car", new BoundingBox(600, 300, 700, 450), new BoundingBox(700, 300, 800, 450));
        RecordingEvent event = RecordingEvent.ofKey("cam/a.mp4");
        AnalysisResult result = new AnalysisResult(event, new VideoInfo(1000, 500, 25, 50, 2_000_000, "h264"),
                List.of(), List.of(walker, driver), true, new DetectorInfo("t", "m", "cpu"), Duration.ZERO, "", zones);
        assertEquals(2, result.objectsOfInterest());
        assertEquals(1, result.objectsOfInterestIn(List.of("walkway")));
        assertEquals(0, result.objectsOfInterestIn(List.of("elsewhere")));
    }

    @Test
    void aRecordingsCameraIsItsInstanceNameElseTheAgentKeysCameraElseItsFolder() {
        assertEquals("highway", RecordingEvent.ofKey("user/1630567591_6-967003_highway_200-200-400-400_24_769.mp4")
                .camera());
        assertEquals("front-door", RecordingEvent.ofKey("site/front-door/clip.mp4").camera());
        assertEquals("", RecordingEvent.ofKey("clip.mp4").camera());
        RecordingEvent named = new RecordingEvent("user/1630567591_6-967003_highway_200-200-400-400_24_769.mp4", "", -1,
                Map.of("event-instancename", "Highway North"), null, null, StorageOverride.NONE, "{}");
        assertEquals("Highway North", named.camera());
    }

    private static Track track(int id, String label, BoundingBox... boxes) {
        List<TrackPoint> points = new java.util.ArrayList<>();
        for (int i = 0; i < boxes.length; i++) {
            points.add(new TrackPoint(i, i * 40_000L, label, 0.9f, boxes[i]));
        }
        return new Track(id, label, points, 500, 450, true);
    }
}
