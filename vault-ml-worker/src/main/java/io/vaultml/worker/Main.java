package io.vaultml.worker;

import io.vaultml.api.ConfigException;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code java -jar vault-ml-worker.jar [--once] | worker [--once] | detect ... | bench ... | config-docs}, parsed by
 * {@link Cli}.
 *
 * <p>Exit status: 0 after a clean stop, 1 after a fatal runtime error, 2 for configuration or usage problems (one
 * line each on standard error).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        configureLogging(System.getenv("LOG_FORMAT"));
        return commandLine(System.out, System.err).execute(args);
    }

    /** The whole command line: the worker (default), {@code detect}, {@code bench}, {@code config-docs}. */
    static picocli.CommandLine commandLine(java.io.PrintStream out, java.io.PrintStream err) {
        picocli.CommandLine cli = new picocli.CommandLine(new Cli.Root());
        cli.addSubcommand("detect", new DetectCommand.Options(out, err));
        cli.addSubcommand("bench", new io.vaultml.bench.BenchCommand.Options(out, Main::runForBench));
        // Set after the subcommands were added: these settings then apply to them too.
        return cli.setCaseInsensitiveEnumValuesAllowed(true).setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true));
    }

    /** One run of the worker for {@code bench --worker}: nanoseconds to ready and of the run. */
    static long[] runForBench(Map<String, String> settings) {
        long start = System.nanoTime();
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(settings))) {
            long ready = System.nanoTime();
            int status = app.run();
            if (status != 0) {
                throw new IllegalStateException("the worker exited with " + status);
            }
            return new long[] {ready - start, System.nanoTime() - ready};
        }
    }

    static int runWorker(boolean once) {
        Map<String, String> env = new HashMap<>(System.getenv());
        if (once) {
            env.put("RUN_ONCE", "true");
        }
        WorkerApp app;
        try {
            app = WorkerApp.create(ConfigSource.of(env));
        } catch (ConfigException e) {
            System.err.println("vault-ml: cannot start:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        // SIGTERM: stop polling, then wait for the loop to drain and close. The latch (not Thread.join on main)
        // matters: a normal exit calls System.exit on main, which itself runs this hook.
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger status = new AtomicInteger(1);
        long waitMillis = app.setting(WorkerSettings.SHUTDOWN_TIMEOUT).toMillis() + 10_000;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.stop();
            try {
                if (finished.await(waitMillis, TimeUnit.MILLISECONDS)) {
                    // A signal would otherwise end the JVM with 143 even after a clean drain; Kubernetes and
                    // scripts should see the worker's own status (0 when everything in flight was settled).
                    System.err.flush();
                    Runtime.getRuntime().halt(status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "vault-ml-shutdown"));
        try {
            status.set(app.run());
            return status.get();
        } finally {
            app.close();
            finished.countDown();
        }
    }

    /** The configuration reference page (docs/configuration.md). */
    public static String configReference() {
        return configReference(Providers.load(DetectorProvider.class),
                Providers.load(io.vaultml.api.spi.TransportProvider.class));
    }

    static String configReference(Providers<DetectorProvider> detectors,
            Providers<io.vaultml.api.spi.TransportProvider> transports) {
        return WorkerApp.definition(detectors, transports).toMarkdown("Configuration reference",
                "Generated from the key declarations by `java -jar vault-ml-worker.jar config-docs`; do not edit by "
                        + "hand. Every setting is an environment variable. Blank values count as unset. Booleans "
                        + "accept true/false in any case.");
    }

    static void configureLogging(String format) {
        if (System.getProperty("logback.configurationFile") == null && "json".equalsIgnoreCase(format)) {
            System.setProperty("logback.configurationFile", "logback-json.xml");
        }
    }

    static String usage() {
        return commandLine(System.out, System.err).getUsageMessage();
    }
}
