package io.vaultml.analysis;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.StationaryStore;
import io.vaultml.api.Track;
import io.vaultml.api.VideoInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
 * {@link #RETRY_AFTER} later, the recordings in between not waiting for it. Thread-safe.
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
        long now = clockMillis.getAsLong();
        if (unavailableSince >= 0 && now < retryAt) {
            return tracks; // the store failed a moment ago: this recording does not wait for it
        }
        List<List<Track>> marked = new ArrayList<>(1);
        try {
            store.update(camera, text -> {
                RememberedPlaces places = RememberedPlaces.parse(text);
                marked.clear();
                marked.add(mark(places, recording, tracks, video, now));
                return places.text();
            }, ttl);
        } catch (RuntimeException e) {
            failed(e, now);
            return tracks;
        }
        answered(now);
        return marked.get(0);
    }

    private List<Track> mark(RememberedPlaces remembered, String recording, List<Track> tracks, VideoInfo video,
            long now) {
        remembered.forgetOlderThan(now, ttl.toMillis());
        Set<RememberedPlaces.Place> seenNow = new HashSet<>();
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
            if (seenNow.add(place) && place.count(recording, now)) {
                place.box = box; // follows a parked car nudged a little
            }
            boolean parked = place.recordings >= minRecordings;
            out.add(parked && t.moving() ? new Track(t.id(), t.label(), t.points(), t.pathLength(), t.displacement(),
                    false) : t);
        }
        remembered.bound();
        return out;
    }

    private synchronized void failed(RuntimeException e, long now) {
        failures.incrementAndGet();
        retryAt = now + RETRY_AFTER.toMillis();
        lastFailure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (unavailableSince < 0) {
            unavailableSince = now;
            log.warn("Stationary memory: {} cannot be used ({}); every object is counted until it answers again "
                    + "(tried again every {} s)", store.describe(), lastFailure, RETRY_AFTER.toSeconds());
        }
    }

    private synchronized void answered(long now) {
        if (unavailableSince >= 0) {
            log.info("Stationary memory: {} answers again after {} s", store.describe(),
                    (now - unavailableSince) / 1000);
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
