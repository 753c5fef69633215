package io.vaultml.analysis;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Track;
import io.vaultml.api.VideoInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Parked objects, remembered per camera across recordings ({@code STATIONARY_MEMORY=memory}). For each camera it
 * keeps where objects of each label stood (a box normalised to the frame, in how many recordings, when last). An
 * object that is not seen to move (a static track, or a one-sighting track of frames too far apart to follow)
 * and stands where one of its label (cars, trucks and buses counting as one kind) stood in an earlier recording
 * (boxes overlapping by at least {@link #MATCH_IOU}) is marked static: {@code isStatic} in the Hub format, and neither counted nor forwarded.
 * Tracked moving objects are never marked.
 *
 * <p>It ages: a place not seen again within the time to live is forgotten, so a car that drives away stops
 * being remembered after that time, and a new car parking in its place is counted in its first recording unless
 * the old one's place was still remembered. Bounded: at most {@link #PLACES_PER_CAMERA} places per camera and
 * {@link #CAMERAS} cameras, the least recently seen forgotten first (about 100 bytes a place). Thread-safe; this
 * process only: several workers each remember what they saw.
 */
public final class StationaryMemory {
    /** How much a box must overlap a remembered one (intersection over union) to be the same place. */
    public static final double MATCH_IOU = 0.6;
    static final int PLACES_PER_CAMERA = 256;
    static final int CAMERAS = 10_000;

    private final long ttlMillis;
    private final int minRecordings;
    private final LongSupplier clockMillis;
    private final Map<String, List<Place>> cameras = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Place {
        final String label;
        BoundingBox box;
        int recordings;
        long lastSeen;
        /** The recordings counted last, so a redelivered recording is not counted twice (bounded). */
        final java.util.Deque<String> counted = new java.util.ArrayDeque<>();

        Place(String label, BoundingBox box) {
            this.label = label;
            this.box = box;
        }
    }

    /**
     * @param ttl how long a place is remembered after it was last seen
     * @param minRecordings in how many recordings (this one included) an object must stand in one place to be
     *     marked static; 2: from its second recording on
     */
    public StationaryMemory(Duration ttl, int minRecordings) {
        this(ttl, minRecordings, System::currentTimeMillis);
    }

    StationaryMemory(Duration ttl, int minRecordings, LongSupplier clockMillis) {
        this.ttlMillis = ttl.toMillis();
        this.minRecordings = Math.max(1, minRecordings);
        this.clockMillis = clockMillis;
    }

    /**
     * The tracks of one recording of {@code camera}, those standing in a remembered place marked static. A
     * recording analysed again (a retry, a redelivery) counts once: {@code recording} is its key.
     */
    public synchronized List<Track> mark(String camera, String recording, List<Track> tracks, VideoInfo video) {
        if (video.width() <= 0 || video.height() <= 0 || tracks.isEmpty()) {
            return tracks;
        }
        long now = clockMillis.getAsLong();
        List<Place> places = cameras.computeIfAbsent(camera, c -> new ArrayList<>());
        places.removeIf(p -> now - p.lastSeen > ttlMillis);
        Set<Place> seenNow = new HashSet<>();
        List<Track> out = new ArrayList<>(tracks.size());
        for (Track t : tracks) {
            if (t.moving() && !t.unassociated()) {
                out.add(t); // seen to move: never a parked object
                continue;
            }
            BoundingBox box = normalised(t.last().box(), video);
            String kind = kind(t.label());
            Place place = places.stream().filter(p -> p.label.equals(kind) && p.box.iou(box) >= MATCH_IOU)
                    .max(Comparator.comparingDouble(p -> p.box.iou(box))).orElse(null);
            if (place == null) {
                place = new Place(kind, box);
                places.add(place);
            }
            // Once per recording, however many of its tracks stand there and however often it is analysed.
            if (seenNow.add(place) && !place.counted.contains(recording)) {
                place.counted.addLast(recording);
                if (place.counted.size() > 8) {
                    place.counted.removeFirst();
                }
                place.recordings++;
                place.lastSeen = now;
                place.box = box; // follows a parked car nudged a little
            }
            boolean parked = place.recordings >= minRecordings;
            out.add(parked && t.moving() ? new Track(t.id(), t.label(), t.points(), t.pathLength(), t.displacement(),
                    false) : t);
        }
        if (places.size() > PLACES_PER_CAMERA) {
            places.sort(Comparator.comparingLong(p -> p.lastSeen));
            places.subList(0, places.size() - PLACES_PER_CAMERA).clear();
        }
        if (cameras.size() > CAMERAS) {
            cameras.remove(cameras.keySet().iterator().next()); // the least recently used camera
        }
        return out;
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
