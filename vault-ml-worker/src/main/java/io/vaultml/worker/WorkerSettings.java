package io.vaultml.worker;

import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import io.vaultml.analysis.AnalysisSettings;
import io.vaultml.kerberos.ResultWriter;
import io.vaultml.kerberos.http.KerberosHttpConfig;
import java.time.Duration;

/** Every setting of the worker itself. Detector providers add their own keys at startup. */
public final class WorkerSettings {
    private WorkerSettings() {
    }

    static final String QUEUE = "Queue";
    static final String RESULTS = "Results";
    static final String OPERATIONS = "Operations";

    public static final ConfigKey<String> QUEUE_SYSTEM = ConfigKey.string("QUEUE_SYSTEM").defaultValue("LOCAL")
            .validator(Validators.nonBlank()).group(QUEUE)
            .doc("Which transport is used, by name, in any case: LOCAL (watch a directory; no external service), "
                    + "a plugin's name (a TransportProvider on the class path), or KAFKA, SQS or RABBITMQ "
                    + "(events from QUEUE_NAME, recordings from Vault, results to QUEUE_TARGET).")
            .build();
    public static final ConfigKey<String> ZONES_FILE = ConfigKey.string("ZONES_FILE").group(RESULTS)
            .doc("Zones and masks per camera, YAML or JSON, coordinates normalised to the frame (docs/zones.md). A "
                    + "detection whose bottom centre is in a mask is dropped; results name the zones each object "
                    + "stood in. Re-read when it changes. Unset: no zones, no masks.").build();
    public static final ConfigKey<String> DETECTOR = ConfigKey.string("DETECTOR").group(RESULTS)
            .doc("Detector provider by name (onnx-yolo, hog, or a plugin's). Unset: onnx-yolo when MODEL_PATH is "
                    + "set, else the built-in hog people detector.").build();

    public static final ConfigKey<Integer> CONCURRENCY = ConfigKey.integer("CONCURRENCY").defaultValue(2)
            .validator(Validators.between(1, 64)).group(OPERATIONS)
            .doc("Recordings processed at once; decoding of one overlaps inference of another.").build();
    public static final ConfigKey<Integer> METRICS_PORT = ConfigKey.integer("METRICS_PORT").defaultValue(8080)
            .validator(Validators.between(0, 65535)).group(OPERATIONS)
            .doc("Port of /metrics, /healthz and /readyz; 0 turns them off.").build();
    public static final ConfigKey<String> LOG_FORMAT = ConfigKey.string("LOG_FORMAT").defaultValue("text")
            .validator(Validators.oneOf("text", "json")).group(OPERATIONS)
            .doc("Log lines as text or as JSON objects.").build();
    /** Read by the logging configuration itself; declared so that it is documented, checked and not warned about. */
    public static final ConfigKey<String> LOG_LEVEL = ConfigKey.string("LOG_LEVEL").defaultValue("INFO")
            .validator(Validators.oneOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR")).group(OPERATIONS)
            .doc("The lowest level logged: TRACE, DEBUG, INFO, WARN or ERROR.").build();
    public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT = ConfigKey.duration("SHUTDOWN_TIMEOUT")
            .defaultValue(Duration.ofSeconds(25)).group(OPERATIONS)
            .doc("On SIGTERM, in-flight recordings get this long to finish before they are released for "
                    + "redelivery. Keep it below the pod's terminationGracePeriodSeconds.").build();
    public static final ConfigKey<Duration> RETRY_BACKOFF = ConfigKey.duration("RETRY_BACKOFF")
            .defaultValue(Duration.ofSeconds(5)).group(OPERATIONS)
            .doc("Pause before a recording that failed with a transient fault is tried again; it doubles with each "
                    + "failure (with +-50 % jitter) up to RETRY_BACKOFF_MAX. The worker keeps the event meanwhile, so "
                    + "a retry never redelivers other events.").build();
    public static final ConfigKey<Duration> RETRY_BACKOFF_MAX = ConfigKey.duration("RETRY_BACKOFF_MAX")
            .defaultValue(Duration.ofMinutes(5)).group(OPERATIONS)
            .doc("The longest pause between two tries of one event.").build();
    public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = ConfigKey.integer("RETRY_MAX_ATTEMPTS")
            .defaultValue(8).validator(Validators.between(1, 1000)).group(OPERATIONS)
            .doc("Tries per event, the first included, before it is dead-lettered with reason 'Retries exhausted' "
                    + "and the last cause. Tries refused because the configured Vault, Hub or results broker is "
                    + "down (an outage) are not counted: the worker pauses instead.").build();
    public static final ConfigKey<Duration> STALL_TIMEOUT = ConfigKey.duration("STALL_TIMEOUT")
            .defaultValue(Duration.ofMinutes(15)).group(OPERATIONS)
            .doc("/healthz answers 503 when recordings are in flight and none has finished for this long.").build();
    public static final ConfigKey<Integer> MAX_EVENTS_PER_MESSAGE = ConfigKey.integer("MAX_EVENTS_PER_MESSAGE")
            .defaultValue(100).validator(Validators.between(1, 10_000)).group(OPERATIONS)
            .doc("A message that is a JSON array may carry this many events; a longer one is dead-lettered whole. "
                    + "Each element gets its own outcome.").build();

    /** The worker's keys plus the analysis's, the results' and Kerberos HTTP's; providers add their own. */
    public static ConfigDef definition() {
        return new ConfigDef().define(QUEUE_SYSTEM, DETECTOR, ZONES_FILE, CONCURRENCY, METRICS_PORT, LOG_FORMAT, LOG_LEVEL,
                SHUTDOWN_TIMEOUT, RETRY_BACKOFF, RETRY_BACKOFF_MAX, RETRY_MAX_ATTEMPTS, STALL_TIMEOUT,
                MAX_EVENTS_PER_MESSAGE)
                .include(AnalysisSettings.CONFIG)
                .include(ResultWriter.CONFIG)
                .include(KerberosHttpConfig.CONFIG);
    }
}
