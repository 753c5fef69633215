package io.vaultml.worker;

import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.RetriableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll, process, commit loop. One thread polls the source; up to {@code concurrency} deliveries are processed
 * at once on a pool; each is completed (committed) only after {@link Pipeline#handle} returned, given back for a
 * retry after a transient fault, and given back while the worker stops on anything else (a bug or a fatal
 * runtime error), which ends the worker with a non-zero status.
 *
 * <p>{@link #stop()} (SIGTERM) stops polling; in-flight recordings get {@code shutdownTimeout} to finish, then
 * their threads are interrupted and their deliveries released for redelivery.
 */
final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final EventSource source;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final int concurrency;
    private final Duration shutdownTimeout;
    private final Duration retryBackoff;
    private final ExecutorService pool;
    private final Semaphore permits;
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private volatile boolean running = true;

    Worker(EventSource source, Pipeline pipeline, Metrics metrics, int concurrency, Duration shutdownTimeout,
            Duration retryBackoff) {
        this.source = source;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.concurrency = concurrency;
        this.shutdownTimeout = shutdownTimeout;
        this.retryBackoff = retryBackoff;
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "vault-ml-recording");
            t.setDaemon(true);
            return t;
        });
        this.permits = new Semaphore(concurrency);
    }

    /** Runs until stopped, a fatal error, or (run-once) the source is exhausted. Returns the exit status. */
    int run() {
        log.info("Consuming from {} with {} recording(s) in flight at most", source.describe(), concurrency);
        // Polled deliveries wait here for a free slot. The loop keeps polling while every slot is busy, because a
        // Kafka consumer that stops polling is thrown out of its group; the source pauses fetching instead.
        Deque<Delivery> pending = new ArrayDeque<>();
        try {
            while (running && fatal.get() == null) {
                while (!pending.isEmpty() && permits.tryAcquire()) {
                    Delivery next = pending.poll();
                    metrics.inFlight.incrementAndGet();
                    pool.execute(() -> process(next));
                }
                boolean busy = !pending.isEmpty() || permits.availablePermits() == 0;
                try {
                    pending.addAll(source.poll(busy ? Duration.ofMillis(200) : Duration.ofSeconds(1)));
                } catch (RetriableException e) {
                    metrics.retry("source");
                    log.warn("Event source unavailable: {}; retrying in {} s", e.getMessage(), retryBackoff.toSeconds());
                    sleep(retryBackoff);
                    continue;
                }
                if (pending.isEmpty() && permits.availablePermits() == concurrency && source.exhausted()) {
                    log.info("Every event of {} has an outcome; stopping", source.describe());
                    break;
                }
            }
        } finally {
            pending.forEach(source::retryLater); // polled but never started: give them back
            drain();
            source.close();
        }
        Throwable t = fatal.get();
        if (t != null) {
            log.error("Worker stopped by a fatal error", t);
            return 1;
        }
        return 0;
    }

    private void process(Delivery delivery) {
        try {
            pipeline.handle(delivery);
            source.complete(delivery);
        } catch (RetriableException e) {
            metrics.retry(e.getClass().getSimpleName());
            log.warn("Transient failure on {}: {}; it will be retried in {} s", delivery.id(), e.getMessage(),
                    retryBackoff.toSeconds());
            if (running) {
                sleep(retryBackoff);
            }
            source.retryLater(delivery);
        } catch (Throwable t) {
            source.retryLater(delivery);
            if (Thread.currentThread().isInterrupted() && !running) {
                log.info("Released {} for redelivery at shutdown", delivery.id());
            } else {
                fatal.compareAndSet(null, t);
                source.wakeup();
            }
        } finally {
            metrics.inFlight.decrementAndGet();
            permits.release();
        }
    }

    private void drain() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} recording(s) still in flight after {} s; releasing them for redelivery",
                        metrics.inFlight.get(), shutdownTimeout.toSeconds());
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling; safe from any thread (the SIGTERM hook). */
    void stop() {
        running = false;
        source.wakeup();
    }

    boolean healthy() {
        return fatal.get() == null;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
