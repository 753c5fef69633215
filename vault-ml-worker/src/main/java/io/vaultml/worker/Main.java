package io.vaultml.worker;

import io.vaultml.api.ConfigException;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code java -jar vault-ml-worker.jar [worker [--once]] | detect ... | config-docs}.
 *
 * <p>Exit status: 0 after a clean stop, 1 after a fatal runtime error, 2 for configuration problems (one line
 * each on standard error).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String command = args.length == 0 ? "worker" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "detect":
                configureLogging(System.getenv("LOG_FORMAT"));
                return DetectCommand.run(rest, System.out, System.err);
            case "bench":
                configureLogging(System.getenv("LOG_FORMAT"));
                try {
                    return BenchCommand.run(rest, System.out, System.err);
                } catch (java.io.IOException e) {
                    System.err.println("vault-ml bench: " + e.getMessage());
                    return 1;
                }
            case "config-docs":
                System.out.print(configReference());
                return 0;
            case "worker":
            case "--once":
                return runWorker(command.equals("--once") || Arrays.asList(rest).contains("--once"));
            case "-h":
            case "--help":
            case "help":
                System.out.println(usage());
                return 0;
            default:
                System.err.println("vault-ml: unknown command '" + command + "'\n" + usage());
                return 2;
        }
    }

    private static int runWorker(boolean once) {
        configureLogging(System.getenv("LOG_FORMAT"));
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
        return """
                usage: java -jar vault-ml-worker.jar [command]
                  worker [--once]   run the worker configured by environment variables (the default)
                  detect [--model M.onnx] [--labels L] [--frames N | --fps F]
                         [--format detections|legacy|hub] [--annotate DIR] FILE...
                                    detect (and track) objects in local videos or images
                  bench --model M.onnx [--frames N] [--fps F] [--repeat R] DIR|FILE...
                                    print decode, preprocessing, inference and end-to-end timings
                  config-docs       print the configuration reference (Markdown)""";
    }
}
