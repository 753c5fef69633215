package io.vaultml.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import io.vaultml.api.VideoInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class CentroidTrackerTest {
    static final VideoInfo VIDEO = new VideoInfo(800, 600, 10, 300, 30_000_000, "h264");
    static final CentroidTracker TRACKER = new CentroidTracker(TrackerSettings.defaults());

    static Detection det(String label, double cx, double cy) {
        return new Detection(label, 0, 0.9f, BoundingBox.ofCenter(cx, cy, 40, 80));
    }

    /** Frames sampled every {@code step} source frames at 10 fps. */
    static List<FrameDetections> frames(int count, int step, IntFunction<List<Detection>> at) {
        List<FrameDetections> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long index = (long) i * step;
            out.add(new FrameDetections(index, index * 100_000, at.apply(i)));
        }
        return out;
    }

    static List<Double> xs(Track t) {
        return t.points().stream().map(p -> p.box().centerX()).toList();
    }

    @Test
    void crossingObjectsKeepTheirIdentities() {
        // Two people walk towards each other along the same line and pass at frame 5.
        List<FrameDetections> frames = frames(11, 5, i -> List.of(
                det("person", 100 + i * 60, 300), det("person", 700 - i * 60, 300 + (i == 5 ? 4 : 0))));
        List<Track> tracks = TRACKER.track(frames, VIDEO);
        assertEquals(2, tracks.size());
        Track right = tracks.get(0);
        Track left = tracks.get(1);
        assertEquals(11, right.sightings());
        assertEquals(11, left.sightings());
        List<Double> rx = xs(right);
        List<Double> lx = xs(left);
        for (int i = 1; i < 11; i++) {
            assertTrue(rx.get(i) > rx.get(i - 1), "track 1 must keep moving right: " + rx);
            assertTrue(lx.get(i) < lx.get(i - 1), "track 2 must keep moving left: " + lx);
        }
        assertTrue(right.moving() && left.moving());
        assertEquals(600, right.displacement(), 1e-9);
        assertEquals(600, right.pathLength(), 1e-9);
    }

    @Test
    void shortOcclusionIsBridgedLongOneSplits() {
        // Seen at frames 0-3, hidden for 2 s, seen again at 6-9 (moving steadily).
        List<FrameDetections> shortGap = frames(10, 5, i -> i == 4 || i == 5 ? List.of() : List.of(det("car", 100 + i * 20, 200)));
        List<Track> bridged = TRACKER.track(shortGap, VIDEO);
        assertEquals(1, bridged.size());
        assertEquals(8, bridged.get(0).sightings());

        List<FrameDetections> longGap = frames(20, 5, i -> i >= 4 && i < 12 ? List.of() : List.of(det("car", 100 + i * 5, 200)));
        List<Track> split = TRACKER.track(longGap, VIDEO);
        assertEquals(2, split.size(), "a 4 s gap is longer than TRACKER_MAX_GAP (3 s)");
        assertEquals(0, split.get(0).first().frameIndex());
        assertEquals(60, split.get(1).first().frameIndex());
    }

    @Test
    void staticObjectsAreTrackedButNotMoving() {
        List<FrameDetections> frames = frames(8, 10, i -> List.of(det("car", 400 + (i % 2) * 3, 300 - (i % 3)),
                det("person", 50 + i * 40, 500)));
        List<Track> tracks = TRACKER.track(frames, VIDEO);
        assertEquals(2, tracks.size());
        Track car = tracks.get(0);
        assertEquals("car", car.label());
        assertFalse(car.moving(), "jitter of a few pixels is not movement");
        assertTrue(car.pathLength() > car.displacement(), "path length accumulates jitter");
        Track person = tracks.get(1);
        assertTrue(person.moving());
        assertEquals(280, person.displacement(), 1e-9);
    }

    @Test
    void twoClassesSideBySideStaySeparate() {
        // A cyclist rides right next to a pedestrian: same place, different classes.
        List<FrameDetections> frames = frames(6, 5, i -> List.of(det("person", 200 + i * 30, 300),
                det("bicycle", 205 + i * 30, 310)));
        List<Track> tracks = TRACKER.track(frames, VIDEO);
        assertEquals(2, tracks.size());
        assertEquals(List.of("person", "bicycle"), tracks.stream().map(Track::label).toList());
        for (Track t : tracks) {
            assertEquals(6, t.sightings());
            assertTrue(t.points().stream().map(TrackPoint::label).allMatch(t.label()::equals));
        }
    }

    @Test
    void theSameMotionTracksAtAnySamplingRate() {
        // A person crosses 600 px in 6 s. Sample it at 10, 2 and 0.5 analysed frames per second.
        for (int step : new int[] {1, 5, 20}) {
            int count = 60 / step + 1;
            int s = step;
            List<FrameDetections> frames = frames(count, step, i -> List.of(det("person", 100 + i * s * 10.0, 300),
                    det("person", 700, 100)));
            List<Track> tracks = TRACKER.track(frames, VIDEO);
            assertEquals(2, tracks.size(), "step " + step);
            assertEquals(count, tracks.get(0).sightings(), "step " + step);
            assertEquals(600, tracks.get(0).displacement(), 1e-9, "step " + step);
            assertTrue(tracks.get(0).moving());
            assertFalse(tracks.get(1).moving());
        }
    }

    @Test
    void aJumpFasterThanPlausibleStartsANewTrack() {
        // 0.5 diagonals/s * 0.1 s = 50 px allowed; a 400 px jump in 0.1 s is another object.
        List<FrameDetections> frames = List.of(new FrameDetections(0, 0, List.of(det("person", 100, 300))),
                new FrameDetections(1, 100_000, List.of(det("person", 100, 300))),
                new FrameDetections(2, 200_000, List.of(det("person", 500, 300))),
                new FrameDetections(3, 300_000, List.of(det("person", 500, 300))));
        assertEquals(2, TRACKER.track(frames, VIDEO).size());
    }

    @Test
    void noiseBelowMinSightingsIsDroppedAndIdsAreCompact() {
        List<FrameDetections> frames = frames(5, 5, i -> i == 2
                ? List.of(det("dog", 700, 500), det("person", 100 + i * 30, 300))
                : List.of(det("person", 100 + i * 30, 300)));
        List<Track> tracks = TRACKER.track(frames, VIDEO);
        assertEquals(1, tracks.size());
        assertEquals(1, tracks.get(0).id());
        assertEquals("person", tracks.get(0).label());
        assertEquals(2, new CentroidTracker(TrackerSettings.defaults().withMinSightings(1)).track(frames, VIDEO).size());
    }

    @Test
    void moveDistanceDecidesMoving() {
        List<FrameDetections> frames = frames(4, 10, i -> List.of(det("person", 100 + i * 30, 300)));
        Track track = TRACKER.track(frames, VIDEO).get(0);
        assertEquals(90, track.displacement(), 1e-9);
        assertFalse(track.moving(), "90 px is below MOVE_DISTANCE 100");
        TrackerSettings lower = TrackerSettings.defaults().withMoveDistance(90);
        assertTrue(new CentroidTracker(lower).track(frames, VIDEO).get(0).moving(), "90 px reaches MOVE_DISTANCE 90");
    }

    @Test
    void majorityVoteDecidesTheLabelWhenClassesMayFlicker() {
        TrackerSettings lenient = new TrackerSettings(100, 0.5, 0.05, Duration.ofSeconds(3), 1, false);
        List<FrameDetections> frames = frames(5, 5, i -> List.of(det(i == 1 ? "truck" : "car", 100 + i * 10, 300)));
        List<Track> tracks = new CentroidTracker(lenient).track(frames, VIDEO);
        assertEquals(1, tracks.size());
        assertEquals("car", tracks.get(0).label());
    }

    @Test
    void emptyInputGivesNoTracks() {
        assertTrue(TRACKER.track(List.of(), VIDEO).isEmpty());
        assertTrue(TRACKER.track(frames(3, 5, i -> List.of()), VIDEO).isEmpty());
    }

    @Test
    void framesTooFarApartGiveOneSightingPerObjectOfTheBusiestFramePerLabel() {
        // Five frames 6 s apart (NUMBER_OF_PREDICTIONS=5 over 30 s), beyond the 3 s TRACKER_MAX_GAP.
        List<FrameDetections> frames = frames(5, 60, i -> switch (i) {
            case 0 -> List.of(det("person", 100, 100), det("car", 500, 400));
            case 2 -> List.of(det("person", 100, 100), det("person", 300, 120), det("person", 600, 200));
            case 3 -> List.of(det("car", 500, 400), det("car", 700, 420), det("person", 50, 50));
            default -> List.of();
        });
        assertFalse(CentroidTracker.associable(frames, Duration.ofSeconds(3)));
        List<Track> tracks = TRACKER.track(frames, VIDEO);
        assertEquals(List.of("person", "person", "person", "car", "car"), tracks.stream().map(Track::label).toList());
        assertEquals(List.of(120L, 120L, 120L, 180L, 180L),
                tracks.stream().map(t -> t.first().frameIndex()).toList(), "frame 2 for people, frame 3 for cars");
        assertEquals(List.of(1, 2, 3, 4, 5), tracks.stream().map(Track::id).toList());
        for (Track t : tracks) {
            assertTrue(t.unassociated() && t.moving(), "motion unknown: counted");
            assertEquals(1, t.sightings());
            assertEquals(0, t.pathLength());
        }
    }

    @Test
    void denseFramesAreTrackedAsBeforeEvenWithOneLongGap() {
        List<FrameDetections> frames = new ArrayList<>(frames(5, 5, i -> List.of(det("person", 100 + i * 40, 300))));
        frames.add(new FrameDetections(900, 90_000_000, List.of(det("person", 700, 300)))); // 86 s later
        assertTrue(CentroidTracker.associable(frames, Duration.ofSeconds(3)));
        List<Track> tracks = TRACKER.track(frames, VIDEO);
        assertEquals(1, tracks.size(), "the lone late sighting is noise (TRACKER_MIN_SIGHTINGS), as before");
        assertEquals(5, tracks.get(0).sightings());
        assertFalse(tracks.get(0).unassociated());
    }

    @Test
    void withMoveDistanceZeroEveryTrackedObjectCountsMovingOrNot() {
        List<FrameDetections> frames = frames(6, 5, i -> List.of(det("person", 200, 300), det("car", 100 + i * 50, 500)));
        List<Track> strict = TRACKER.track(frames, VIDEO);
        assertEquals(1, strict.stream().filter(Track::moving).count(), "only the car moved 100 px or more");
        List<Track> all = new CentroidTracker(TrackerSettings.defaults().withMoveDistance(0)).track(frames, VIDEO);
        assertEquals(2, all.stream().filter(Track::moving).count());
    }
}
