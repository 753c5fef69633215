package io.vaultml.api;

import java.util.Objects;

/**
 * One sighting of a tracked object.
 *
 * @param frameIndex the frame's index in the original video
 * @param timestampMicros its presentation time, in microseconds
 * @param label what the detector called the object in this frame
 * @param confidence detector confidence for this sighting
 * @param box where, in pixels of the original frame
 */
public record TrackPoint(long frameIndex, long timestampMicros, String label, float confidence, BoundingBox box) {

    public TrackPoint {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(box, "box");
        if (frameIndex < 0) {
            throw new IllegalArgumentException("frameIndex must be >= 0, was " + frameIndex);
        }
    }
}
