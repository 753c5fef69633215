package io.vaultml.api;

import java.util.List;
import java.util.Objects;

/**
 * One object found in one frame.
 *
 * @param label class name, e.g. {@code person} (COCO names for the bundled models)
 * @param classId the model's class index, or {@code -1} when the detector has no numeric classes
 * @param confidence score in [0, 1]
 * @param box where, in pixels of the original frame
 * @param colors the object's main colours in this frame, most common first; empty unless asked for
 *     ({@code FIND_DOMINANT_COLORS})
 */
public record Detection(String label, int classId, float confidence, BoundingBox box, List<DominantColor> colors) {

    public Detection(String label, int classId, float confidence, BoundingBox box) {
        this(label, classId, confidence, box, List.of());
    }

    public Detection {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(box, "box");
        colors = List.copyOf(colors);
        if (label.isBlank()) {
            throw new IllegalArgumentException("label must not be blank");
        }
        if (classId < -1) {
            throw new IllegalArgumentException("classId must be >= -1, was " + classId);
        }
        if (!(confidence >= 0f && confidence <= 1f)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], was " + confidence);
        }
    }

    /** This detection with its colours. */
    public Detection withColors(List<DominantColor> found) {
        return new Detection(label, classId, confidence, box, found);
    }
}
