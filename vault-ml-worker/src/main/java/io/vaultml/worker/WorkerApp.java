package io.vaultml.worker;

import io.vaultml.analysis.AnalysisSettings;
import io.vaultml.analysis.RecordingAnalyzer;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Detector;
import io.vaultml.api.Forwarder;
import io.vaultml.api.Frame;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.Transport;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.ForwarderProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.api.spi.SharedComponents;
import io.vaultml.api.spi.StationaryStoreProvider;
import io.vaultml.api.spi.TransportProvider;
import io.vaultml.kerberos.ResultWriter;
import io.vaultml.kerberos.http.KerberosHttp;
import io.vaultml.video.VideoConfig;
import io.vaultml.worker.ops.OpsServer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the worker from settings: logs the effective configuration (secrets masked) and warnings for unknown
 * names, selects the transport ({@code QUEUE_SYSTEM}) and the detector among the providers on the class path,
 * validates everything at once, then loads the model, opens the transport and runs. It knows no transport's
 * classes: a new transport is a module with a {@code META-INF/services/io.vaultml.api.spi.TransportProvider}.
 */
public final class WorkerApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);

    private final Config config;
    private final Metrics metrics = new Metrics();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final Worker worker;
    private final OpsServer ops;
    private volatile io.vaultml.analysis.StationaryMemory stationary;
    private volatile boolean ready;

    private WorkerApp(Config config, TransportProvider transportProvider, DetectorProvider detectorProvider,
            List<ForwarderProvider> forwarderProviders, ZonesFile zones) {
        this.config = config;
        try {
            int port = config.get(WorkerSettings.METRICS_PORT);
            try {
                this.ops = port == 0 ? null : new OpsServer(port, metrics.registry::scrape, this::problems, this::notes,
                        () -> ready);
            } catch (IOException e) {
                throw new ConfigException("Cannot serve /metrics on METRICS_PORT " + port + ": " + e.getMessage());
            }
            if (ops != null) {
                resources.add(ops);
                log.info("Serving /metrics, /healthz and /readyz on port {}", ops.port());
            }
            Detector detector = detectorProvider.create(config);
            resources.add(detector); // until the analyzer owns it
            if (zones != null) {
                zones.requireKnownLabels(detector.classes());
                log.info("Zones and masks for camera(s) {} from ZONES_FILE", zones.cameras());
            }
            long warmUp = System.nanoTime();
            detector.detect(blankFrame()); // the first inference allocates the runtime's buffers: not on a recording
            log.info("Detector warmed up in {} ms", (System.nanoTime() - warmUp) / 1_000_000);
            metrics.detector(detector.info());
            metrics.ready(() -> ready);
            SharedComponents shared = new SharedComponents();
            KerberosHttp http = shared.get(KerberosHttp.class, () -> KerberosHttp.from(config));
            Transport transport = transportProvider.open(config, 2 * config.get(WorkerSettings.CONCURRENCY));
            resources.add(transport);
            transport.gauges().forEach(metrics::gauge);
            MediaFetcher fetcher = transport.media().orElseGet(http::fetcher);
            // Results are published first; forwarding and delete run after, in order, and stop at the first failure.
            List<Forwarder> forwarders = new ArrayList<>();
            forwarders.add(transport.results());
            forwarderProviders.forEach(p -> forwarders.add(p.create(config, shared)));
            ThreadBudget threads = ThreadBudget.of(config, Runtime.getRuntime().availableProcessors());
            log.info("Thread budget on {}", threads.describe());
            RecordingAnalyzer analyzer = RecordingAnalyzer.builder(detector).configure(config).fetcher(fetcher)
                    .decoder(VideoConfig.decoderOptions(config).withThreads(threads.decoderThreads()))
                    .zones(zones == null ? event -> io.vaultml.api.CameraZones.NONE : zones)
                    .concurrency(config.get(WorkerSettings.CONCURRENCY)).listener(metrics).build();
            resources.remove(detector);
            resources.add(analyzer);
            analyzer.stationary().ifPresent(memory -> {
                stationary = memory;
                metrics.stationary(memory);
                log.info("Parked objects remembered in {}", memory.describe());
            });
            Pipeline pipeline = new Pipeline(analyzer, forwarders, transport.deadLetters(), ResultWriter.from(config),
                    config.get(WorkerSettings.MAX_EVENTS_PER_MESSAGE), metrics);
            RetryPolicy retries = new RetryPolicy(config.get(WorkerSettings.RETRY_BACKOFF),
                    config.get(WorkerSettings.RETRY_BACKOFF_MAX), config.get(WorkerSettings.RETRY_MAX_ATTEMPTS));
            this.worker = new Worker(transport.events(), pipeline, metrics, config.get(WorkerSettings.CONCURRENCY),
                    config.get(WorkerSettings.SHUTDOWN_TIMEOUT), retries, config.get(WorkerSettings.STALL_TIMEOUT),
                    analyzer::alive);
            log.info("Ready: detector {} ({} on {}), events from {}, results to {}, dead letters to {}",
                    detector.info().provider(), detector.info().model(), detector.info().device(),
                    transport.events().describe(), transport.results().describe(), transport.deadLetters().describe());
            forwarders.stream().skip(1).forEach(f -> log.info("Then: {}", f.describe()));
            ready = true;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static Frame blankFrame() {
        int width = 640;
        int height = 360;
        return new Frame(0, 0, width, height, ByteBuffer.allocateDirect(width * height * 3));
    }

    /** Every key the worker and the discovered transport and detector providers declare. */
    public static ConfigDef definition(Providers<DetectorProvider> detectors) {
        return definition(detectors, Providers.load(TransportProvider.class));
    }

    public static ConfigDef definition(Providers<DetectorProvider> detectors, Providers<TransportProvider> transports) {
        ConfigDef def = WorkerSettings.definition();
        transports.all().forEach(p -> def.include(p.configDef()));
        AnalysisSettings.stationaryStores().all().forEach(p -> def.include(p.configDef()));
        detectors.all().forEach(p -> def.include(p.configDef()));
        Providers.load(ForwarderProvider.class).all().forEach(p -> def.include(p.configDef()));
        return def;
    }

    /**
     * Parses the settings, selects the transport and the detector, and checks everything that can be checked
     * without I/O: each selected provider's own settings, the Vault download settings when the transport needs
     * them, the forwarding settings. Every problem is reported at once, before anything connects or a model
     * loads; then the worker is built.
     *
     * @throws ConfigException listing every problem
     */
    public static WorkerApp create(ConfigSource source) {
        Providers<DetectorProvider> detectors = Providers.load(DetectorProvider.class);
        detectors.loadErrors().forEach(e -> log.warn("Detector plugin skipped: {}", e));
        Providers<TransportProvider> transports = Providers.load(TransportProvider.class);
        transports.loadErrors().forEach(e -> log.warn("Transport plugin skipped: {}", e));
        ConfigDef def = definition(detectors, transports);
        Config config = def.parse(source);
        Set<String> prefixes = new TreeSet<>();
        def.keys().forEach(k -> prefixes.add(k.name().split("_")[0] + "_"));
        def.unknownNames(source, n -> prefixes.stream().anyMatch(n::startsWith)
                && !kubernetesServiceVariable(n, source.get(n))).forEach(log::warn);

        List<String> problems = new ArrayList<>();
        TransportProvider transport = null;
        try {
            transport = transports.select(config.get(WorkerSettings.QUEUE_SYSTEM).trim().toLowerCase(Locale.ROOT),
                    config);
            problems.addAll(transport.validate(config));
        } catch (ConfigException e) {
            problems.add("QUEUE_SYSTEM: " + e.getMessage());
        }
        DetectorProvider detector = null;
        try {
            detector = detectors.select(config.find(WorkerSettings.DETECTOR).orElse(null), config);
            problems.addAll(detector.validate(config));
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (transport == null || transport.fetchesFromVault()) {
            problems.addAll(KerberosHttp.from(config).validateDownloads());
        }
        List<ForwarderProvider> forwarders = enabledForwarders(config);
        forwarders.forEach(f -> problems.addAll(f.validate(config)));
        StationaryStoreProvider store = null;
        try {
            store = AnalysisSettings.stationaryStore(config);
            if (store != null) {
                problems.addAll(store.validate(config));
            }
        } catch (ConfigException e) {
            problems.add("STATIONARY_MEMORY: " + e.getMessage());
        }
        ZonesFile zones = null;
        List<String> forwardingZones = config.get(io.vaultml.kerberos.http.KerberosHttpConfig.FORWARDING_ZONES);
        try {
            zones = config.find(WorkerSettings.ZONES_FILE).map(f -> ZonesFile.load(java.nio.file.Path.of(f)))
                    .orElse(null);
            if (zones != null) {
                zones.requireZones(forwardingZones);
            } else if (!forwardingZones.isEmpty()) {
                problems.add("FORWARDING_ZONES needs ZONES_FILE (the zones it names are defined there)");
            }
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        } catch (java.nio.file.InvalidPathException e) {
            problems.add("ZONES_FILE is not a valid path: " + e.getMessage());
        }
        logEffective(config, transport, detector, forwarders, store);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new WorkerApp(config, transport, detector, forwarders, zones);
    }

    /**
     * What this run reads, '(default)' where nothing was set: the worker's settings and those of the selected
     * transport, the selected detector and the forwarders that are on, not every plugin's on the class path; and
     * the settings that were given but belong to a plugin this run does not use.
     */
    private static void logEffective(Config config, TransportProvider transport, DetectorProvider detector,
            List<ForwarderProvider> forwarders, StationaryStoreProvider store) {
        ConfigDef used = WorkerSettings.definition();
        if (transport != null) {
            used.include(transport.configDef());
        }
        if (detector != null) {
            used.include(detector.configDef());
        }
        forwarders.forEach(f -> used.include(f.configDef()));
        if (store != null) {
            used.include(store.configDef());
        }
        log.info("Effective configuration:\n  {}", String.join("\n  ", config.describe(used)));
        List<String> unused = config.setButUnused(used);
        if (!unused.isEmpty()) {
            log.info("Set but not read by this run (settings of a transport, detector or forwarder not in use): {}",
                    String.join(", ", unused));
        }
    }

    /**
     * Whether a variable is one Kubernetes gives every pod for each service ({@code KAFKA_SERVICE_HOST},
     * {@code KAFKA_SERVICE_PORT_BROKER}, {@code KAFKA_PORT=tcp://10.0.0.7:9092}, {@code KAFKA_PORT_9092_TCP_ADDR}):
     * never a vault-ml setting, never worth a warning.
     */
    static boolean kubernetesServiceVariable(String name, String value) {
        return name.endsWith("_SERVICE_HOST") || name.matches(".+_SERVICE_PORT(_[A-Z0-9_]+)?")
                || name.matches(".+_PORT_\\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?")
                || (name.endsWith("_PORT") && value != null && value.matches("(tcp|udp|sctp)://.*"));
    }

    /** The forwarders the settings ask for (each provider decides), in chain order. */
    static List<ForwarderProvider> enabledForwarders(Config config) {
        Providers<ForwarderProvider> all = Providers.load(ForwarderProvider.class);
        all.loadErrors().forEach(e -> log.warn("Forwarder plugin skipped: {}", e));
        return all.all().stream().filter(p -> p.enabled(config))
                .sorted(java.util.Comparator.comparingInt(ForwarderProvider::order)).toList();
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

    /**
     * What works less well than it should without making the worker unhealthy, for {@code /healthz}'s detail: a
     * memory of parked objects that cannot be used (every object counted meanwhile).
     */
    List<String> notes() {
        io.vaultml.analysis.StationaryMemory memory = stationary;
        return memory == null ? List.of() : memory.problem().stream().toList();
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
