package io.vaultml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultml.api.OutageException;
import io.vaultml.api.StationaryStore;
import org.slf4j.LoggerFactory;

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
    final StationaryMemory memory = new StationaryMemory(new InProcessStationaryStore(now::get), Duration.ofHours(1),
            2, now::get);

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

    @Test
    void aStoreThatFailsCostsNoResultIsLoggedOnceAndTriedAgainLater() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(StationaryMemory.class);
        logger.addAppender(logs);
        FlakyStore store = new FlakyStore(now::get);
        StationaryMemory flaky = new StationaryMemory(store, Duration.ofHours(1), 2, now::get);
        try {
            List<Track> car = List.of(sighting(1, "car", PARKED));
            flaky.mark("cam", "rec-1", car, VIDEO);
            store.down = true;
            assertEquals(car, flaky.mark("cam", "rec-2", car, VIDEO), "down: every object counts, as if off");
            assertFalse(flaky.available());
            assertTrue(flaky.problem().orElseThrow().contains("unavailable since"), flaky.problem().toString());
            assertFalse(flaky.problem().orElseThrow().contains("s3cret"), "the store's describe() only");
            int calls = store.calls;
            now.addAndGet(StationaryMemory.RETRY_AFTER.toMillis() - 1);
            assertEquals(car, flaky.mark("cam", "rec-3", car, VIDEO));
            assertEquals(calls, store.calls, "within RETRY_AFTER the recordings do not wait for the store");
            now.addAndGet(1);
            flaky.mark("cam", "rec-4", car, VIDEO);
            assertEquals(calls + 1, store.calls, "then it is tried again");
            assertEquals(2, flaky.failures());
            store.down = false;
            now.addAndGet(StationaryMemory.RETRY_AFTER.toMillis());
            assertEquals(List.of(false), moving(flaky.mark("cam", "rec-5", car, VIDEO)), "back: rec-1's car is known");
            assertTrue(flaky.available());
            assertTrue(flaky.problem().isEmpty());
            List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, lines.stream().filter(l -> l.contains("cannot be used")).count(), lines.toString());
            assertEquals(1, lines.stream().filter(l -> l.contains("answers again after")).count(), lines.toString());
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void aRecordingAnalysedAgainAfterLaterOnesIsJudgedAsItWasTheFirstTime() {
        List<Track> car = List.of(sighting(1, "car", PARKED));
        assertEquals(List.of(true), moving(memory.mark("cam", "rec-1", car, VIDEO)));
        assertEquals(List.of(false), moving(memory.mark("cam", "rec-2", car, VIDEO)));
        assertEquals(List.of(true), moving(memory.mark("cam", "rec-1", car, VIDEO)),
                "rec-1's retry, after rec-2: its car was the first sighting there, and still counts");
        assertEquals(List.of(false), moving(memory.mark("cam", "rec-2", car, VIDEO)));
    }

    @Test
    void placesSeenAtImpossibleTimesAreDropped() {
        InProcessStationaryStore store = new InProcessStationaryStore(now::get);
        StationaryMemory shared = new StationaryMemory(store, Duration.ofHours(1), 2, now::get);
        String box = " 0.84896 0.07639 0.94010 0.17361 ";
        for (long lastSeen : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, now.get() + Duration.ofHours(2).toMillis()}) {
            store.update("cam", old -> RememberedPlaces.VERSION + "\nvehicle" + box + "50 " + lastSeen + " \n",
                    Duration.ofHours(1));
            assertEquals(List.of(true), moving(shared.mark("cam", "rec-" + lastSeen, List.of(sighting(1, "car",
                    PARKED)), VIDEO)), "a place last seen at " + lastSeen + " is not remembered");
            store.update("cam", old -> null, Duration.ofHours(1));
        }
        store.update("cam", old -> RememberedPlaces.VERSION + "\nvehicle" + box + "50 " + now.get() + " \n",
                Duration.ofHours(1));
        assertEquals(List.of(false), moving(shared.mark("cam", "rec-now", List.of(sighting(1, "car", PARKED)), VIDEO)),
                "the same line seen just now is");
    }

    @Test
    void anAnswerToATryBegunBeforeAnOutageDoesNotEndIt() throws Exception {
        java.util.concurrent.CountDownLatch slowAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch slowMayAnswer = new java.util.concurrent.CountDownLatch(1);
        InProcessStationaryStore kept = new InProcessStationaryStore(now::get);
        StationaryStore store = new StationaryStore() {
            @Override
            public String update(String camera, java.util.function.UnaryOperator<String> change, Duration ttl) {
                if (camera.equals("slow")) {
                    slowAsked.countDown();
                    try {
                        slowMayAnswer.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return kept.update(camera, change, ttl);
                }
                throw new OutageException("Redis at 127.0.0.1:1 refused the connection", Duration.ofSeconds(5));
            }

            @Override
            public String describe() {
                return "Redis at 127.0.0.1:1";
            }
        };
        StationaryMemory flaky = new StationaryMemory(store, Duration.ofHours(1), 2, now::get);
        List<Track> car = List.of(sighting(1, "car", PARKED));
        Thread slow = new Thread(() -> flaky.mark("slow", "rec-1", car, VIDEO));
        slow.start();
        slowAsked.await();
        now.addAndGet(10);
        flaky.mark("down", "rec-2", car, VIDEO);
        assertFalse(flaky.available());
        slowMayAnswer.countDown();
        slow.join();
        assertFalse(flaky.available(), "the slow answer was to a question asked before the failure");
    }

    @Test
    void damagedTextInTheStoreIsReadAsNothingRemembered() {
        InProcessStationaryStore store = new InProcessStationaryStore(now::get);
        StationaryMemory shared = new StationaryMemory(store, Duration.ofHours(1), 2, now::get);
        store.update("cam", old -> RememberedPlaces.VERSION + "\nvehicle 0.8 x\n", Duration.ofHours(1));
        List<Track> car = List.of(sighting(1, "car", PARKED));
        assertEquals(List.of(true), moving(shared.mark("cam", "rec-1", car, VIDEO)));
        assertEquals(List.of(false), moving(shared.mark("cam", "rec-2", car, VIDEO)), "and rewritten whole");
    }

    @Test
    void labelsWithSpacesSurviveTheStoresText() {
        BoundingBox light = new BoundingBox(10, 10, 30, 60);
        memory.mark("cam", "rec 1/with spaces", List.of(sighting(1, "traffic light", light)), VIDEO);
        assertEquals(List.of(false), moving(memory.mark("cam", "rec-2", List.of(sighting(1, "traffic light", light)),
                VIDEO)));
    }

    /** An in-process store that can be made to fail as an unreachable one does. */
    static final class FlakyStore implements StationaryStore {
        final InProcessStationaryStore kept;
        volatile boolean down;
        int calls;

        FlakyStore(java.util.function.LongSupplier clock) {
            kept = new InProcessStationaryStore(clock);
        }

        @Override
        public String update(String camera, java.util.function.UnaryOperator<String> change, Duration ttl) {
            calls++;
            if (down) {
                throw new OutageException("Flaky store at 127.0.0.1:1 refused the connection", Duration.ofSeconds(5));
            }
            return kept.update(camera, change, ttl);
        }

        @Override
        public String describe() {
            return "Flaky store at 127.0.0.1:1";
        }
    }

    private static Track sighting(int id, String label, BoundingBox box) {
        return new Track(id, label, List.of(new TrackPoint(0, 0, label, 0.9f, box)), 0, 0, true);
    }

    private static List<Boolean> moving(List<Track> tracks) {
        return tracks.stream().map(Track::moving).toList();
    }
}
