package io.vaultml.worker;

import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Detector;
import io.vaultml.api.EventSource;
import io.vaultml.api.Forwarder;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.kerberos.ResultFormat;
import io.vaultml.kafka.KafkaEventSource;
import io.vaultml.kafka.KafkaPublisher;
import io.vaultml.kafka.KafkaSettings;
import io.vaultml.kerberos.http.KerberosHttp;
import io.vaultml.kerberos.http.KerberosHttpConfig;
import io.vaultml.sqs.SqsEventSource;
import io.vaultml.sqs.SqsPublisher;
import io.vaultml.sqs.SqsSettings;
import io.vaultml.api.config.QueueKeys;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.TrackerSettings;
import io.vaultml.vision.onnx.FfmpegDecoder;
import io.vaultml.vision.onnx.Sampling;
import io.vaultml.vision.onnx.VisionConfig;
import io.vaultml.worker.local.DirectoryEventSource;
import io.vaultml.worker.local.JsonLinesSink;
import io.vaultml.worker.local.LocalFileFetcher;
import io.vaultml.worker.ops.OpsServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the worker from settings: validates everything at once, logs the effective configuration (secrets
 * masked) and warnings for unknown names, selects the detector, builds source, fetcher and sinks, and runs.
 */
public final class WorkerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);

    private final Config config;
    private final Metrics metrics = new Metrics();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Worker worker;
    private InferenceService inference;
    private final OpsServer ops;
    private volatile boolean ready;

    private WorkerApp(Config config, DetectorProvider detectorProvider) throws IOException {
        this.config = config;
        try {
            String system = config.get(WorkerSettings.QUEUE_SYSTEM).toUpperCase(Locale.ROOT);
            if (system.equals("KAFKA")) {
                KafkaSettings.requireComplete(config);
            } else if (system.equals("SQS")) {
                SqsSettings.requireComplete(config);
            }
            int port = config.get(WorkerSettings.METRICS_PORT);
            this.ops = port == 0 ? null : new OpsServer(port, metrics.registry::scrape, this::problems, () -> ready);
            if (ops != null) {
                resources.add(ops);
                log.info("Serving /metrics, /healthz and /readyz on port {}", ops.port());
            }
            Detector detector = detectorProvider.create(config);
            if (detectorProvider.name().equals("hog")) {
                log.warn("No model configured (MODEL_PATH): using the built-in HOG people detector, a fallback for "
                        + "trying vault-ml out; set MODEL_PATH to a YOLO .onnx model for real use");
            }
            InferenceService inference = InferenceService.forConcurrency(detector,
                    config.get(WorkerSettings.CONCURRENCY), metrics::inferenceBatch);
            resources.add(inference);
            this.inference = inference;
            KerberosHttp http = KerberosHttp.from(config);
            EventSource source;
            MediaFetcher fetcher;
            Forwarder results;
            DeadLetterSink deadLetterSink;
            if (system.equals("KAFKA")) {
                Map<String, Object> kafka = KafkaSettings.common(config);
                fetcher = http.fetcher();
                KafkaPublisher resultsTopic = new KafkaPublisher(kafka, config.get(KafkaSettings.QUEUE_TARGET),
                        KafkaSettings.clientId(config, "results"), Duration.ofSeconds(30));
                resources.add(resultsTopic);
                KafkaPublisher deadLetterTopic = new KafkaPublisher(kafka, KafkaSettings.deadLetterTopic(config),
                        KafkaSettings.clientId(config, "dead-letters"), Duration.ofSeconds(30));
                resources.add(deadLetterTopic);
                resultsTopic.checkTopic();
                deadLetterTopic.checkTopic();
                results = resultsTopic;
                deadLetterSink = deadLetterTopic;
                KafkaEventSource events = new KafkaEventSource(kafka, config.get(KafkaSettings.QUEUE_NAME),
                        config.get(KafkaSettings.KAFKA_GROUP), KafkaSettings.clientId(config, "events"),
                        config.get(KafkaSettings.KAFKA_AUTO_OFFSET_RESET), 2 * config.get(WorkerSettings.CONCURRENCY),
                        Duration.ofSeconds(30));
                metrics.consumerLag(events::maxLag);
                source = events;
            } else if (system.equals("SQS")) {
                fetcher = http.fetcher();
                SqsPublisher resultsQueue = new SqsPublisher(SqsSettings.client(config),
                        config.get(QueueKeys.QUEUE_TARGET), true);
                resources.add(resultsQueue);
                SqsPublisher deadLetterQueue = new SqsPublisher(SqsSettings.client(config),
                        SqsSettings.deadLetterQueue(config), true);
                resources.add(deadLetterQueue);
                results = resultsQueue;
                deadLetterSink = deadLetterQueue;
                source = new SqsEventSource(SqsSettings.client(config), config.get(QueueKeys.QUEUE_NAME),
                        config.get(SqsSettings.SQS_VISIBILITY_TIMEOUT), 2 * config.get(WorkerSettings.CONCURRENCY));
            } else {
                Path watch = Path.of(config.get(WorkerSettings.WATCH_DIR));
                if (!config.isSet(WorkerSettings.WATCH_DIR)) {
                    java.nio.file.Files.createDirectories(watch); // the default folder may not exist yet
                }
                Path state = Path.of(config.get(WorkerSettings.STATE_DIR));
                JsonLinesSink resultsFile = JsonLinesSink.open(config.get(WorkerSettings.RESULTS_FILE));
                resources.add(resultsFile);
                JsonLinesSink deadLetterFile = JsonLinesSink.toFile(state.resolve("dead-letters.jsonl"));
                resources.add(deadLetterFile);
                results = resultsFile;
                deadLetterSink = deadLetterFile;
                source = new DirectoryEventSource(watch, state, config.get(WorkerSettings.WATCH_INTERVAL),
                        config.get(WorkerSettings.RUN_ONCE));
                fetcher = new LocalFileFetcher(watch, KerberosHttpConfig.maxRecordingBytes(config));
            }
            resources.add(source); // closing twice is allowed; this covers a failure before the worker runs
            // Results are published first; forwarding and delete run after, in order, and stop at the first failure.
            List<Forwarder> forwarders = new ArrayList<>();
            forwarders.add(results);
            forwarders.addAll(http.forwarders());
            CentroidTracker tracker = config.get(WorkerSettings.TRACKING)
                    ? new CentroidTracker(TrackerSettings.from(config)) : null;
            if (tracker != null && VisionConfig.sampling(config) instanceof Sampling.Count count
                    && tracker.settings().moveDistance() > 0) {
                log.info("NUMBER_OF_PREDICTIONS={} spreads the frames over the whole recording, usually too far apart "
                        + "to follow an object: then every object of the busiest frame per label counts, and "
                        + "MOVE_DISTANCE={} filters nothing. Moving-object filtering needs CLASSIFICATION_FPS sampling.",
                        count.frames(), tracker.settings().moveDistance());
            }
            RecordingProcessor processor = new RecordingProcessor(fetcher,
                    new FfmpegDecoder(VisionConfig.decoderOptions(config)), VisionConfig.sampling(config), inference,
                    tracker, metrics, config.get(WorkerSettings.RECORDING_TIMEOUT));
            ResultFormat format = ResultFormat.parse(config.get(WorkerSettings.RESULT_FORMAT));
            String credentials = config.get(WorkerSettings.RESULT_CREDENTIALS);
            boolean keepCredentials = credentials.equals("keep") || (credentials.equals("auto") && format == ResultFormat.HUB);
            Pipeline pipeline = new Pipeline(processor, forwarders, deadLetterSink, format, keepCredentials,
                    config.get(WorkerSettings.MAX_EVENTS_PER_MESSAGE), metrics);
            RetryPolicy retries = new RetryPolicy(config.get(WorkerSettings.RETRY_BACKOFF),
                    config.get(WorkerSettings.RETRY_BACKOFF_MAX), config.get(WorkerSettings.RETRY_MAX_ATTEMPTS));
            this.worker = new Worker(source, pipeline, metrics, config.get(WorkerSettings.CONCURRENCY),
                    config.get(WorkerSettings.SHUTDOWN_TIMEOUT), retries, config.get(WorkerSettings.STALL_TIMEOUT),
                    inference::alive);
            log.info("Ready: detector {} ({} on {}), results to {}, dead letters to {}", detector.info().provider(),
                    detector.info().model(), detector.info().device(), results.describe(), deadLetterSink.describe());
            forwarders.stream().skip(1).forEach(f -> log.info("Then: {}", f.describe()));
            ready = true;
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
    }

    /** Every key the worker and the discovered detector providers declare. */
    public static ConfigDef definition(Providers<DetectorProvider> providers) {
        ConfigDef def = WorkerSettings.definition();
        providers.all().forEach(p -> def.include(p.configDef()));
        return def;
    }

    /**
     * Parses and validates the settings and builds the worker.
     *
     * @throws ConfigException listing every problem
     */
    public static WorkerApp create(ConfigSource source) {
        Providers<DetectorProvider> providers = Providers.load(DetectorProvider.class);
        providers.loadErrors().forEach(e -> log.warn("Detector plugin skipped: {}", e));
        ConfigDef def = definition(providers);
        Config config = def.parse(source);
        Set<String> prefixes = new TreeSet<>();
        def.keys().forEach(k -> prefixes.add(k.name().split("_")[0] + "_"));
        def.unknownNames(source, n -> prefixes.stream().anyMatch(n::startsWith)).forEach(log::warn);
        log.info("Effective configuration:\n  {}", String.join("\n  ", config.describe()));
        DetectorProvider provider = providers.select(config.find(WorkerSettings.DETECTOR).orElse(null), config);
        try {
            return new WorkerApp(config, provider);
        } catch (IOException e) {
            throw new ConfigException("Cannot start: " + e.getMessage());
        }
    }

    public int run() {
        return worker.run();
    }

    public void stop() {
        worker.stop();
    }

    boolean healthy() {
        return problems().isEmpty();
    }

    /** Why the worker is unhealthy, for {@code /healthz}; empty when it is healthy. */
    List<String> problems() {
        return worker == null ? List.of() : worker.problems();
    }

    public Config config() {
        return config;
    }

    public <T> T setting(ConfigKey<T> key) {
        return config.get(key);
    }

    @Override
    public void close() {
        ready = false;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                log.warn("Closing {} failed: {}", resources.get(i), e.getMessage());
            }
        }
        resources.clear();
    }
}
