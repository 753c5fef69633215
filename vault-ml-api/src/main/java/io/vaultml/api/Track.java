package io.vaultml.api;

import java.util.List;
import java.util.Objects;

/**
 * One object followed across the analysed frames of a recording.
 *
 * @param id identifier, unique within the recording, starting at 1
 * @param label class decided by majority vote over the sightings
 * @param points the sightings, in frame order (at least one)
 * @param pathLength sum of the distances between consecutive centroids, in pixels
 * @param displacement distance from the first to the last centroid, in pixels
 * @param moving whether the object counts as an object of interest: it travelled at least the configured minimum
 *     distance ({@code MOVE_DISTANCE}); static objects are reported but not counted. A {@linkplain #unassociated()
 *     one-sighting track}, made when the analysed frames are too far apart in time to follow anything, has no
 *     known motion: it counts (moving), with path length and displacement 0
 */
public record Track(int id, String label, List<TrackPoint> points, double pathLength, double displacement,
        boolean moving) {

    public Track {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(points, "points");
        if (id < 1) {
            throw new IllegalArgumentException("track id must be >= 1, was " + id);
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException("track " + id + " has no sightings");
        }
        if (!(pathLength >= 0) || !(displacement >= 0)) {
            throw new IllegalArgumentException("distances must be >= 0");
        }
        points = List.copyOf(points);
    }

    public TrackPoint first() {
        return points.get(0);
    }

    public TrackPoint last() {
        return points.get(points.size() - 1);
    }

    /**
     * Whether this is a one-sighting entry made because the analysed frames were too far apart to associate (see
     * {@code CentroidTracker}): its motion is unknown, not zero.
     */
    public boolean unassociated() {
        return points.size() == 1 && pathLength == 0 && displacement == 0 && moving;
    }

    /** Number of analysed frames in which the object was seen. */
    public int sightings() {
        return points.size();
    }
}
