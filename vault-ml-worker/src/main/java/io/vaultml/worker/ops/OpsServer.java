package io.vaultml.worker.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text), {@code /healthz} (liveness: the worker loop has not failed) and
 * {@code /readyz} (readiness: the detector is loaded and the source is connected) on the JDK's HTTP server.
 *
 * <p>The probes answer on their own thread: a scrape runs on another, because some gauges ask a broker (a queue's
 * depth) and may wait for it up to its timeout, far longer than a probe's (1 s by default on Kubernetes), and a
 * liveness probe that times out gets a healthy pod restarted. At most {@value #QUEUED_SCRAPES} scrapes wait behind
 * a slow one; more are answered 503 at once.
 */
public final class OpsServer implements AutoCloseable {
    static final int QUEUED_SCRAPES = 4;
    private final HttpServer server;
    private final java.util.concurrent.ThreadPoolExecutor scrapes = new java.util.concurrent.ThreadPoolExecutor(1, 1,
            0, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.ArrayBlockingQueue<>(QUEUED_SCRAPES),
            r -> {
                Thread t = new Thread(r, "vault-ml-metrics");
                t.setDaemon(true);
                return t;
            });

    public OpsServer(int port, Supplier<String> metrics, BooleanSupplier healthy, BooleanSupplier ready)
            throws IOException {
        this(port, metrics, () -> healthy.getAsBoolean() ? List.of() : List.of("not ok"), ready);
    }

    public OpsServer(int port, Supplier<String> metrics, Supplier<List<String>> problems, BooleanSupplier ready)
            throws IOException {
        this(port, metrics, problems, List::of, ready);
    }

    /**
     * @param problems why the worker is not healthy, one line each; empty when it is ({@code /healthz} answers
     *     503 with the lines, or 200 {@code ok})
     * @param notes what works less well without making the worker unhealthy (a memory of parked objects that
     *     cannot be used): lines after {@code ok} in a 200 answer, so a liveness probe never restarts for them
     */
    public OpsServer(int port, Supplier<String> metrics, Supplier<List<String>> problems,
            Supplier<List<String>> notes, BooleanSupplier ready) throws IOException {
        server = HttpServer.create(new InetSocketAddress(port), 16);
        server.createContext("/metrics", ex -> {
            try {
                scrapes.execute(() -> {
                    try {
                        respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get());
                    } catch (IOException | RuntimeException e) {
                        ex.close(); // the scraper left, or a gauge failed: this scrape has no answer
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException busy) {
                respond(ex, 503, "text/plain; charset=utf-8", "busy: earlier scrapes are still waiting\n");
            }
        });
        server.createContext("/healthz", ex -> {
            List<String> found = problems.get();
            List<String> detail = notes.get();
            respond(ex, found.isEmpty() ? 200 : 503, "text/plain; charset=utf-8", (found.isEmpty() ? "ok\n"
                    : String.join("\n", found) + "\n") + (detail.isEmpty() ? "" : String.join("\n", detail) + "\n"));
        });
        server.createContext("/readyz", ex -> status(ex, ready.getAsBoolean()));
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vault-ml-ops");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(HttpExchange ex, boolean ok) throws IOException {
        respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ok\n");
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        scrapes.shutdownNow();
    }
}
