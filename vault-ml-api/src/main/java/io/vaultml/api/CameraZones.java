package io.vaultml.api;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A camera's zones and masks. A detection whose bottom centre lies in a mask is dropped before tracking and
 * counting; an object is in a zone when the bottom centre of its box is inside the zone in any analysed frame and
 * the zone admits its label.
 */
public record CameraZones(List<Zone> zones, List<Polygon> masks) {
    /** No zones, no masks: every detection counts, as without a zones file. */
    public static final CameraZones NONE = new CameraZones(List.of(), List.of());

    /**
     * A named area of the frame.
     *
     * @param labels the labels it counts, as the model names them ({@code person}, {@code bicycle}; the names
     *     {@code ALLOWED_CLASSIFICATIONS} takes); empty: every label
     */
    public record Zone(String name, Polygon area, Set<String> labels) {
        public Zone {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(area, "area");
            labels = Set.copyOf(labels);
        }

        /** Whether the zone counts an object the model calls {@code label}. */
        public boolean admits(String label) {
            return labels.isEmpty() || labels.contains(label);
        }
    }

    public CameraZones {
        zones = List.copyOf(zones);
        masks = List.copyOf(masks);
    }

    public boolean isEmpty() {
        return zones.isEmpty() && masks.isEmpty();
    }

    /** Whether a detection's bottom centre lies in a mask. */
    public boolean masked(BoundingBox box, int width, int height) {
        return masks.stream().anyMatch(m -> m.containsFootOf(box, width, height));
    }

    /** The zones an object the model calls {@code label} stands in with {@code box}, in declaration order. */
    public Set<String> zonesOf(String label, BoundingBox box, int width, int height) {
        Set<String> in = new LinkedHashSet<>();
        for (Zone z : zones) {
            if (z.admits(label) && z.area().containsFootOf(box, width, height)) {
                in.add(z.name());
            }
        }
        return in;
    }

    /** The zones a tracked object (by its voted label) stood in, in any of its sightings, in declaration order. */
    public Set<String> zonesOf(Track track, int width, int height) {
        Set<String> in = new LinkedHashSet<>();
        for (TrackPoint p : track.points()) {
            in.addAll(zonesOf(track.label(), p.box(), width, height));
        }
        return in;
    }
}
