package io.vaultml.api;

import java.util.List;
import java.util.Objects;

/**
 * One sighting of a tracked object.
 *
 * @param frameIndex the frame's index in the original video
 * @param timestampMicros its presentation time, in microseconds
 * @param label what the detector called the object in this frame
 * @param confidence detector confidence for this sighting
 * @param box where, in pixels of the original frame
 * @param colors the object's main colours in this sighting; empty unless they were found
 */
public record TrackPoint(long frameIndex, long timestampMicros, String label, float confidence, BoundingBox box,
        List<DominantColor> colors) {

    public TrackPoint(long frameIndex, long timestampMicros, String label, float confidence, BoundingBox box) {
        this(frameIndex, timestampMicros, label, confidence, box, List.of());
    }

    public TrackPoint {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(box, "box");
        colors = List.copyOf(colors);
        if (frameIndex < 0) {
            throw new IllegalArgumentException("frameIndex must be >= 0, was " + frameIndex);
        }
    }
}
