package io.vaultml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import io.vaultml.api.VideoInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StationaryMemoryTest {
    static final VideoInfo VIDEO = new VideoInfo(768, 576, 25, 250, 10_000_000, "h264");
    static final BoundingBox PARKED = new BoundingBox(652, 44, 722, 100);
    final AtomicLong now = new AtomicLong(1_000_000);
    final StationaryMemory memory = new StationaryMemory(Duration.ofHours(1), 2, now::get);

    @Test
    void anObjectStandingWhereOneStoodInAnEarlierRecordingIsStatic() {
        assertEquals(List.of(true), moving(memory.mark("pedestrians", "rec-1", List.of(sighting(1, "car", PARKED)), VIDEO)),
                "first recording: counted");
        now.addAndGet(60_000);
        // Next recording: the same van, now called a truck, nudged by a few pixels, and a person passing.
        List<Track> next = memory.mark("pedestrians", "rec-2", List.of(sighting(1, "truck", new BoundingBox(650, 45, 721, 101)),
                sighting(2, "person", new BoundingBox(100, 200, 140, 300))), VIDEO);
        assertEquals(List.of(false, true), moving(next));
        assertEquals(List.of(true), moving(memory.mark("other-camera", "rec-3", List.of(sighting(1, "car", PARKED)), VIDEO)),
                "each camera remembers its own");
    }

    @Test
    void aTrackedMovingObjectIsNeverStaticAndForgottenPlacesCountAgain() {
        memory.mark("cam", "rec-1", List.of(sighting(1, "car", PARKED)), VIDEO);
        Track driving = new Track(1, "car", List.of(new TrackPoint(0, 0, "car", 0.9f, PARKED),
                new TrackPoint(25, 1_000_000, "car", 0.9f, new BoundingBox(400, 44, 470, 100))), 250, 250, true);
        assertEquals(List.of(true), moving(memory.mark("cam", "rec-2", List.of(driving), VIDEO)));
        now.addAndGet(Duration.ofHours(1).plusSeconds(1).toMillis());
        assertEquals(List.of(true), moving(memory.mark("cam", "rec-3", List.of(sighting(1, "car", PARKED)), VIDEO)),
                "an hour unseen: a new car parking there counts");
    }

    @Test
    void aRecordingAnalysedAgainCountsOnce() {
        List<Track> first = List.of(sighting(1, "car", PARKED));
        assertEquals(List.of(true), moving(memory.mark("cam", "rec-1", first, VIDEO)));
        assertEquals(List.of(true), moving(memory.mark("cam", "rec-1", first, VIDEO)),
                "a retry or redelivery of the same recording does not make its own car parked");
        assertEquals(List.of(false), moving(memory.mark("cam", "rec-2", first, VIDEO)), "the next recording does");
    }

    private static Track sighting(int id, String label, BoundingBox box) {
        return new Track(id, label, List.of(new TrackPoint(0, 0, label, 0.9f, box)), 0, 0, true);
    }

    private static List<Boolean> moving(List<Track> tracks) {
        return tracks.stream().map(Track::moving).toList();
    }
}
