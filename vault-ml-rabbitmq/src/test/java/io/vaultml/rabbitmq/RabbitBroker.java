package io.vaultml.rabbitmq;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real RabbitMQ broker tests run against: {@code $RABBITMQ_URL}, default
 * {@code amqp://guest:guest@127.0.0.1:5672}. Where none answers, starts Debian's {@code rabbitmq-server} if it is
 * installed, else a Testcontainers RabbitMQ where Docker runs (and Testcontainers is on the test class path); where
 * all of that is impossible, skips the calling test with a visible message, or fails it when
 * {@code VAULT_ML_REQUIRE_RABBITMQ=true} (CI sets it, so the broker tests always run there).
 */
public final class RabbitBroker {
    public static final String DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672";
    private static final List<Path> SBIN = List.of(Path.of("/usr/sbin"), Path.of("/usr/lib/rabbitmq/bin"));
    /** The broker found or started, once; a container is kept for the JVM's life. */
    private static URI found;
    private static boolean inContainer;

    private RabbitBroker() {
    }

    /** The broker URL, once it answers; skips or fails the test otherwise. */
    public static synchronized URI require() {
        if (found != null) {
            return found;
        }
        URI uri = URI.create(Optional.ofNullable(System.getenv("RABBITMQ_URL")).filter(s -> !s.isBlank())
                .orElse(DEFAULT_URL));
        if (answers(uri)) {
            return found = uri;
        }
        String tried = "nothing answers at " + uri.getHost() + ":" + port(uri);
        Optional<Path> server = tool("rabbitmq-server");
        if (server.isPresent() && isLocal(uri)) {
            run(List.of(server.get().toString(), "-detached"), 30);
            tool("rabbitmqctl").ifPresent(ctl -> run(List.of(ctl.toString(), "await_startup"), 90));
            if (answers(uri)) {
                return found = uri;
            }
            tried += "; started " + server.get() + " -detached but it still does not answer";
        } else if (server.isPresent()) {
            tried += "; " + uri.getHost() + " is not this machine, so the local rabbitmq-server was not started";
        } else {
            tried += "; rabbitmq-server is not installed (apt-get install rabbitmq-server)";
        }
        Optional<URI> container = TestcontainersRabbit.start();
        if (container.isPresent()) {
            inContainer = true;
            return found = container.get();
        }
        tried += "; no Docker for a Testcontainers broker";
        if (Boolean.parseBoolean(System.getenv("VAULT_ML_REQUIRE_RABBITMQ"))) {
            return Assertions.fail("RabbitMQ is required (VAULT_ML_REQUIRE_RABBITMQ=true) but " + tried);
        }
        String skip = "SKIPPED: no RabbitMQ broker: " + tried + "; set RABBITMQ_URL to use another one";
        // Printed as well: a class whose @BeforeAll aborts is reported by Surefire as zero tests, without the reason.
        System.err.println("[vault-ml test kit] " + skip);
        Assumptions.abort(skip);
        return uri;
    }

    /**
     * {@code rabbitmqctl}, for tests that restart the local broker or look at its queues; empty where the broker is
     * not the local one (a container, another host).
     */
    public static Optional<Path> rabbitmqctl() {
        return inContainer || (found != null && !isLocal(found)) ? Optional.empty() : tool("rabbitmqctl");
    }

    /** Runs {@code rabbitmqctl args...} and returns its output; fails the test when it fails. */
    public static String ctl(String... args) {
        Path ctl = rabbitmqctl().orElseThrow(() -> new IllegalStateException("rabbitmqctl is not installed"));
        List<String> command = new java.util.ArrayList<>(List.of(ctl.toString()));
        command.addAll(List.of(args));
        return run(command, 120);
    }

    private static boolean isLocal(URI uri) {
        return List.of("127.0.0.1", "localhost", "::1").contains(uri.getHost());
    }

    private static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 5672;
    }

    private static boolean answers(URI uri) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port(uri)), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> tool(String name) {
        return SBIN.stream().map(d -> d.resolve(name)).filter(Files::isExecutable).findFirst();
    }

    private static String run(List<String> command, int timeoutSeconds) {
        try {
            // Output to a file: a detached broker may keep a pipe open for ever.
            Path log = Files.createTempFile("rabbitmq-", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " took longer than " + timeoutSeconds + " s");
            }
            String out = Files.readString(log);
            Files.deleteIfExists(log);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " exited with " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(command + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
