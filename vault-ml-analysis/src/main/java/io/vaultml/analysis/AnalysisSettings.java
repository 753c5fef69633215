package io.vaultml.analysis;

import io.vaultml.api.Tracker;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.spi.Providers;
import io.vaultml.api.spi.StationaryStoreProvider;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.OneSightingTracker;
import io.vaultml.tracking.TrackerSettings;
import io.vaultml.video.VideoConfig;
import java.time.Duration;

/**
 * The settings of an analysis: decoding and sampling ({@link VideoConfig}), tracking ({@link TrackerSettings} and
 * {@code TRACKING}) and the per-recording deadline. {@link RecordingAnalyzer.Builder#configure} applies them; the
 * worker, the {@code detect} command and embedding applications all go through it.
 */
public final class AnalysisSettings {
    public static final ConfigKey<Boolean> TRACKING = ConfigKey.bool("TRACKING").defaultValue(true).group("Results")
            .doc("Follow objects across the analysed frames (needed for MOVE_DISTANCE). false: each object of the "
                    + "busiest analysed frame per label is reported once (a one-sighting detail in the hub format).")
            .build();
    public static final ConfigKey<Duration> RECORDING_TIMEOUT = ConfigKey.duration("RECORDING_TIMEOUT")
            .defaultValue(Duration.ZERO).group("Operations")
            .doc("How long one recording may take from download to tracks; past it the try fails as a transient "
                    + "fault and is retried, and a thread still busy a tenth and 5 s later is reported on /healthz and its "
                    + "message given back for redelivery. 0: derived per recording, 2 min + 2 s per frame to analyse "
                    + "(NUMBER_OF_PREDICTIONS, or MAX_NUMBER_OF_PREDICTIONS with CLASSIFICATION_FPS) + 2 s per MiB of "
                    + "payload.fileSize.").build();
    public static final ConfigKey<String> STATIONARY_MEMORY = ConfigKey.string("STATIONARY_MEMORY")
            .defaultValue("off").validator(io.vaultml.api.config.Validators.nonBlank()).group("Results")
            .doc("Remember parked objects per camera across recordings: where objects not seen to move stood; one "
                    + "standing again where one of its label stood is isStatic in the hub format and not counted or "
                    + "forwarded. memory: in this process (each worker remembers what it analysed); redis: shared by "
                    + "every worker through REDIS_URL; or a plugin's store by its name. off: every object counts "
                    + "(docs/zones.md).")
            .build();
    public static final ConfigKey<Duration> STATIONARY_TTL = ConfigKey.duration("STATIONARY_TTL")
            .defaultValue(Duration.ofHours(1)).group("Results")
            .doc("How long a remembered place lasts after it was last seen: a car that drives away is forgotten "
                    + "after this, and a new one parking there counts again.").build();
    public static final ConfigKey<Integer> STATIONARY_MIN_RECORDINGS = ConfigKey.integer("STATIONARY_MIN_RECORDINGS")
            .defaultValue(2).validator(io.vaultml.api.config.Validators.between(1, 1000)).group("Results")
            .doc("In how many recordings (the current one included) an object must stand in one place before it "
                    + "is static: 2 marks it from its second recording on.").build();
    /** Every key {@link RecordingAnalyzer.Builder#configure} reads. */
    public static final ConfigDef CONFIG = new ConfigDef().define(TRACKING, RECORDING_TIMEOUT, STATIONARY_MEMORY,
            STATIONARY_TTL, STATIONARY_MIN_RECORDINGS)
            .include(VideoConfig.CONFIG).include(TrackerSettings.CONFIG).frozen();

    private AnalysisSettings() {
    }

    /**
     * The memory of parked objects {@code STATIONARY_MEMORY} names, in the store its provider makes (found on the
     * class path: {@code memory} here, {@code redis} in {@code vault-ml-redis}); null for {@code off}.
     *
     * @throws io.vaultml.api.ProviderNotFoundException when no store of that name is on the class path
     */
    public static StationaryMemory stationaryMemory(Config config) {
        StationaryStoreProvider provider = stationaryStore(config);
        return provider == null ? null : new StationaryMemory(provider.create(config), config.get(STATIONARY_TTL),
                config.get(STATIONARY_MIN_RECORDINGS));
    }

    /**
     * The provider of the store {@code STATIONARY_MEMORY} names, for validation before anything is built; null for
     * {@code off}. Selected by name only.
     */
    public static StationaryStoreProvider stationaryStore(Config config) {
        String name = config.get(STATIONARY_MEMORY).trim();
        return name.equals("off") ? null : stationaryStores().select(name, config);
    }

    /** The stationary stores on the class path; their keys belong to the worker's configuration. */
    public static Providers<StationaryStoreProvider> stationaryStores() {
        return Providers.load(StationaryStoreProvider.class);
    }

    /** {@code TRACKING=true}: the centroid tracker with the tracking settings; false: one sighting per object. */
    public static Tracker tracker(Config config) {
        return config.get(TRACKING) ? new CentroidTracker(TrackerSettings.from(config)) : new OneSightingTracker();
    }
}
