package io.vaultml.api;

import java.util.List;
import java.util.Objects;

/**
 * What was detected in one analysed frame. A frame with no objects has an empty list; it is still reported so
 * that results show which frames were looked at.
 *
 * @param frameIndex the frame's index in the original video
 * @param timestampMicros its presentation time, in microseconds
 * @param detections the objects found, highest confidence first
 */
public record FrameDetections(long frameIndex, long timestampMicros, List<Detection> detections) {

    public FrameDetections {
        Objects.requireNonNull(detections, "detections");
        if (frameIndex < 0) {
            throw new IllegalArgumentException("frameIndex must be >= 0, was " + frameIndex);
        }
        detections = List.copyOf(detections);
    }
}
