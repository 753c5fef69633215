package io.vaultml.analysis;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.StationaryStore;
import io.vaultml.api.Track;
import io.vaultml.api.VideoInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parked objects, remembered per camera across recordings ({@code STATIONARY_MEMORY}). For each camera it keeps
 * where objects of each kind stood (a box normalised to the frame, in how many recordings, when last). An object
 * that is not seen to move (a static track, or a one-sighting track of frames too far apart to follow) and stands
 * where one of its kind (cars, trucks and buses counting as one) stood in enough recordings (boxes overlapping by
 * at least {@link #MATCH_IOU}) is marked static: {@code isStatic} in the Hub format, and neither counted nor
 * forwarded. Tracked moving objects are never marked.
 *
 * <p>It ages: a place not seen again within the time to live is forgotten, so a car that drives away stops being
 * remembered after that time, and a new car parking in its place is counted in its first recording unless the old
 * one's place was still remembered. Bounded: {@value RememberedPlaces#PER_CAMERA} places per camera.
 *
 * <p>Where it is kept is a {@link StationaryStore}: this process, or one shared by every worker. A store that
 * fails never costs a result: that recording's objects are all counted, as with the memory off, the outage is
 * logged once (and its end), {@link #problem()} says it for health checks, and the store is tried again
 * {@link #RETRY_AFTER} later by one recording, the others not waiting for it. A store too busy with other
 * workers' updates of the same camera ({@link java.util.ConcurrentModificationException}) costs that recording
 * its marks, not an outage. Thread-safe.
 */
public final class StationaryMemory implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StationaryMemory.class);
    /** How much a box must overlap a remembered one (intersection over union) to be the same place. */
    public static final double MATCH_IOU = 0.6;
    /** After the store failed, how long recordings go without it before it is tried again. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final StationaryStore store;
    private final Duration ttl;
    private final int minRecordings;
    private final LongSupplier clockMillis;
    private final AtomicLong failures = new AtomicLong();
    private volatile long unavailableSince = -1;
    private volatile long retryAt;
    private volatile String lastFailure = "";
    /** When the last try that the store answered began. */
    private long lastAnswered = Long.MIN_VALUE;
    /** After an outage's pause, one recording asks the store; the others go on without it meanwhile. */
    private final java.util.concurrent.atomic.AtomicBoolean probing = new java.util.concurrent.atomic.AtomicBoolean();

    /** A memory in this process ({@code STATIONARY_MEMORY=memory}). */
    public StationaryMemory(Duration ttl, int minRecordings) {
        this(new InProcessStationaryStore(), ttl, minRecordings);
    }

    /**
     * @param store where the places are kept; this memory owns it and closes it
     * @param ttl how long a place is remembered after it was last seen
     * @param minRecordings in how many recordings (this one included) an object must stand in one place to be
     *     marked static; 2: from its second recording on
     */
    public StationaryMemory(StationaryStore store, Duration ttl, int minRecordings) {
        this(store, ttl, minRecordings, System::currentTimeMillis);
    }

    StationaryMemory(StationaryStore store, Duration ttl, int minRecordings, LongSupplier clockMillis) {
        this.store = store;
        this.ttl = ttl;
        this.minRecordings = Math.max(1, minRecordings);
        this.clockMillis = clockMillis;
    }

    /**
     * The tracks of one recording of {@code camera}, those standing in a remembered place marked static. A
     * recording analysed again (a retry, a redelivery, in this worker or another sharing the store) counts once:
     * {@code recording} is its key.
     */
    public List<Track> mark(String camera, String recording, List<Track> tracks, VideoInfo video) {
        if (video.width() <= 0 || video.height() <= 0 || tracks.isEmpty()) {
            return tracks;
        }
        boolean probe = unavailableSince >= 0;
        if (probe && (clockMillis.getAsLong() < retryAt || !probing.compareAndSet(false, true))) {
            return tracks; // the store failed a moment ago, or another recording is asking it now: no waiting
        }
        long asked = clockMillis.getAsLong();
        List<List<Track>> marked = new ArrayList<>(1);
        RuntimeException[] ours = new RuntimeException[1];
        try {
            store.update(camera, text -> {
                try {
                    long now = clockMillis.getAsLong();
                    RememberedPlaces places = RememberedPlaces.parse(text, now, ttl.toMillis());
                    marked.clear();
                    marked.add(mark(places, recording, tracks, video, now));
                    return places.text();
                } catch (RuntimeException e) {
                    ours[0] = e;
                    throw e;
                }
            }, ttl);
        } catch (java.util.ConcurrentModificationException busy) {
            log.debug("Stationary memory: camera {} busy in {}: {}; every object of {} counted", camera,
                    store.describe(), busy.getMessage(), recording);
            return tracks;
        } catch (RuntimeException e) {
            if (e == ours[0]) {
                log.warn("Stationary memory: recording {} of camera {} could not be matched ({}); every object "
                        + "counted", recording, camera, e.toString());
            } else {
                failed(e, asked);
            }
            return tracks;
        } finally {
            if (probe) {
                probing.set(false);
            }
        }
        answered(asked);
        return marked.get(0);
    }

    private List<Track> mark(RememberedPlaces remembered, String recording, List<Track> tracks, VideoInfo video,
            long now) {
        Map<RememberedPlaces.Place, Integer> seenNow = new HashMap<>();
        List<Track> out = new ArrayList<>(tracks.size());
        for (Track t : tracks) {
            if (t.moving() && !t.unassociated()) {
                out.add(t); // seen to move: never a parked object
                continue;
            }
            BoundingBox box = normalised(t.last().box(), video);
            String kind = kind(t.label());
            RememberedPlaces.Place place = remembered.places.stream()
                    .filter(p -> p.kind.equals(kind) && p.box.iou(box) >= MATCH_IOU)
                    .max(Comparator.comparingDouble(p -> p.box.iou(box))).orElse(null);
            if (place == null) {
                place = new RememberedPlaces.Place(kind, box);
                remembered.places.add(place);
            }
            // Once per recording, however many of its tracks stand there and however often it is analysed.
            Integer seen = seenNow.get(place);
            if (seen == null) {
                int before = place.recordings;
                seen = place.count(recording, now);
                if (place.recordings > before) {
                    place.box = box; // follows a parked car nudged a little
                }
                seenNow.put(place, seen);
            }
            boolean parked = seen >= minRecordings;
            out.add(parked && t.moving() ? new Track(t.id(), t.label(), t.points(), t.pathLength(), t.displacement(),
                    false) : t);
        }
        remembered.bound();
        return out;
    }

    /** A failure of the store: it counts only if nothing answered since the try began. */
    private synchronized void failed(RuntimeException e, long asked) {
        failures.incrementAndGet();
        long now = clockMillis.getAsLong();
        retryAt = Math.max(retryAt, now + RETRY_AFTER.toMillis());
        lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (unavailableSince < 0 && asked >= lastAnswered) {
            unavailableSince = now;
            log.warn("Stationary memory: {} cannot be used ({}); every object is counted until it answers again "
                    + "(tried again every {} s)", store.describe(), lastFailure, RETRY_AFTER.toSeconds());
        }
    }

    /** An answer of the store: it ends an outage only if the try began after the outage did. */
    private synchronized void answered(long asked) {
        lastAnswered = Math.max(lastAnswered, asked);
        if (unavailableSince >= 0 && asked >= unavailableSince) {
            log.info("Stationary memory: {} answers again after {} s", store.describe(),
                    Math.max(0, clockMillis.getAsLong() - unavailableSince) / 1000);
            unavailableSince = -1;
        }
    }

    /** Whether the store answered the last time it was asked (true before the first time). */
    public boolean available() {
        return unavailableSince < 0;
    }

    /** How many updates of the store failed since this memory was made. */
    public long failures() {
        return failures.get();
    }

    /** Why the memory is not working now, for a health check's detail; empty when it is. */
    public Optional<String> problem() {
        long since = unavailableSince;
        return since < 0 ? Optional.empty() : Optional.of("stationary memory: " + store.describe()
                + " unavailable since " + Instant.ofEpochMilli(since) + " (" + lastFailure
                + "); every object is counted meanwhile");
    }

    /** Where the places are kept. */
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }

    /** Whether two labels are one kind of object for the memory (the vehicle classes are one kind). */
    public static boolean sameKind(String a, String b) {
        return kind(a).equals(kind(b));
    }

    /**
     * What must match for the same place: the label, except that the vehicle classes are one kind. Detectors flip
     * between them for one parked vehicle (the shared pedestrians recordings show the same van as car in one
     * recording and lorry in the next, and both in a third).
     */
    static String kind(String label) {
        return switch (label) {
            case "car", "truck", "bus", "van", "lorry" -> "vehicle";
            default -> label;
        };
    }

    private static BoundingBox normalised(BoundingBox b, VideoInfo video) {
        double w = video.width();
        double h = video.height();
        return new BoundingBox(b.x1() / w, b.y1() / h, b.x2() / w, b.y2() / h);
    }
}
