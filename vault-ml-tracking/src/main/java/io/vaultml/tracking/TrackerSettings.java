package io.vaultml.tracking;

import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.time.Duration;

/**
 * How the {@link CentroidTracker} associates and filters. Distances that depend on time are expressed per second
 * and as a fraction of the frame diagonal, so the same settings work at any sampling rate and resolution.
 *
 * @param moveDistance pixels an object must travel, first to last sighting, to count as moving
 *     ({@code MOVE_DISTANCE}, original vault-ml meaning)
 * @param maxSpeed the fastest plausible movement, in frame diagonals per second; with the time between two
 *     analysed frames it bounds how far a detection may be from a track's predicted position
 * @param minGate the association bound never goes below this fraction of the diagonal (jitter between frames that
 *     are close in time)
 * @param maxGap a track not seen for longer than this is finished; a later sighting starts a new track
 * @param minSightings tracks seen in fewer analysed frames are dropped as noise
 * @param classAware associate only detections with the same label (a person never continues a car's track)
 */
public record TrackerSettings(double moveDistance, double maxSpeed, double minGate, Duration maxGap,
        int minSightings, boolean classAware) {

    public static final String GROUP = "Tracking";
    public static final ConfigKey<Double> MOVE_DISTANCE = ConfigKey.decimal("MOVE_DISTANCE").defaultValue(100.0)
            .validator(Validators.atLeast(0.0)).group(GROUP)
            .doc("The minimum distance, in pixels from the first to the last sighting, an object should have "
                    + "travelled before it's of interest (moving). Static objects are reported but not counted.")
            .build();
    public static final ConfigKey<Double> MAX_SPEED = ConfigKey.decimal("TRACKER_MAX_SPEED").defaultValue(0.5)
            .validator(Validators.between(0.01, 100.0)).group(GROUP)
            .doc("Fastest plausible movement in frame diagonals per second; bounds association distance so it "
                    + "scales with the time between analysed frames.")
            .build();
    public static final ConfigKey<Duration> MAX_GAP = ConfigKey.duration("TRACKER_MAX_GAP")
            .defaultValue(Duration.ofSeconds(3)).group(GROUP)
            .doc("A track unseen for longer than this ends (occlusion allowance), independent of sampling rate.")
            .build();
    public static final ConfigKey<Integer> MIN_SIGHTINGS = ConfigKey.integer("TRACKER_MIN_SIGHTINGS").defaultValue(2)
            .validator(Validators.atLeast(1)).group(GROUP)
            .doc("Tracks seen in fewer analysed frames are dropped as noise.").build();
    /** The Hub classifier's name for the moving rule: static when first-to-last distance is at most this. */
    public static final ConfigKey<Double> MIN_STATIC_DISTANCE = ConfigKey.decimal("MIN_STATIC_DISTANCE")
            .validator(Validators.atLeast(0.0)).group(GROUP)
            .doc("The Kerberos Hub classifier's rule: an object whose first-to-last centroid distance is at most "
                    + "this many pixels is static, farther is moving. When set it replaces MOVE_DISTANCE (which "
                    + "counts an object moving from exactly MOVE_DISTANCE on).").build();
    /** The Hub classifier's name for the noise filter. */
    public static final ConfigKey<Integer> MIN_DETECTIONS = ConfigKey.integer("MIN_DETECTIONS")
            .validator(Validators.atLeast(1)).group(GROUP)
            .doc("The Kerberos Hub classifier's name for TRACKER_MIN_SIGHTINGS: objects seen in fewer analysed "
                    + "frames are not reported. When set it replaces TRACKER_MIN_SIGHTINGS.").build();
    public static final ConfigDef CONFIG = new ConfigDef().define(MOVE_DISTANCE, MAX_SPEED, MAX_GAP, MIN_SIGHTINGS,
            MIN_STATIC_DISTANCE, MIN_DETECTIONS).frozen();

    public TrackerSettings {
        if (!(moveDistance >= 0) || !(maxSpeed > 0) || !(minGate >= 0) || minSightings < 1
                || maxGap.isNegative()) {
            throw new IllegalArgumentException("invalid tracker settings");
        }
    }

    public static TrackerSettings defaults() {
        return new TrackerSettings(100, 0.5, 0.05, Duration.ofSeconds(3), 2, true);
    }

    /**
     * The settings; the Hub's names win over the original ones when both are set: {@code MIN_STATIC_DISTANCE d}
     * (moving when farther than d) becomes the least moving distance above d, {@code MIN_DETECTIONS} the minimum
     * sightings.
     */
    public static TrackerSettings from(Config config) {
        double moveDistance = config.find(MIN_STATIC_DISTANCE).map(Math::nextUp).orElse(config.get(MOVE_DISTANCE));
        int minSightings = config.find(MIN_DETECTIONS).orElse(config.get(MIN_SIGHTINGS));
        return new TrackerSettings(moveDistance, config.get(MAX_SPEED), 0.05, config.get(MAX_GAP), minSightings,
                true);
    }

    public TrackerSettings withMoveDistance(double pixels) {
        return new TrackerSettings(pixels, maxSpeed, minGate, maxGap, minSightings, classAware);
    }

    public TrackerSettings withMinSightings(int n) {
        return new TrackerSettings(moveDistance, maxSpeed, minGate, maxGap, n, classAware);
    }
}
