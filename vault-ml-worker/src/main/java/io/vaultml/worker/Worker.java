package io.vaultml.worker;

import io.vaultml.analysis.DeadlineExceededException;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.OutageException;
import io.vaultml.api.RetriableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll, process, commit loop. One thread polls the source; up to {@code concurrency} deliveries are processed
 * at once on a pool; each is completed (committed) only after {@link Pipeline#handle} gave every event of it an
 * outcome.
 *
 * <p><b>Retries stay in the worker.</b> A delivery that failed with a transient fault is not given back to the
 * source: the worker keeps it (the source keeps it alive: Kafka holds the offset uncommitted, SQS extends its
 * visibility) and tries it again after the {@link RetryPolicy}'s backoff, resuming where it stopped
 * ({@link Pipeline.Progress}). So a retry never makes the source deliver its neighbours again, and a queue's
 * receive count is not spent by our own retries. After the policy's last attempt the delivery's unsettled events
 * are dead-lettered with "retries exhausted" and the last cause.
 *
 * <p><b>Outages.</b> An {@link OutageException} (the configured Vault's breaker is open, the results broker does
 * not answer) is not the delivery's fault: its attempt is not counted, and the worker starts no delivery until
 * the outage's retry time has passed; polling goes on, so the source keeps what it holds alive and stops fetching
 * once its in-flight limit is reached.
 *
 * <p><b>Fatal.</b> Only what fails every event stops the worker (exit 1): a {@link ConfigException} found at run
 * time, a dead inference thread, a {@link VirtualMachineError}. Its delivery is given back first.
 *
 * <p><b>Liveness.</b> {@link #problems()} feeds {@code /healthz}: a fatal error, and a stall (recordings in
 * flight, none finished for {@code stallTimeout}).
 *
 * <p>{@link #stop()} (SIGTERM) stops polling; in-flight recordings get {@code shutdownTimeout} to finish, then
 * their threads are interrupted; everything not finished is released for redelivery.
 */
final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    /** One delivery and what its tries achieved so far. */
    private static final class Work {
        final Delivery delivery;
        final Pipeline.Progress progress = new Pipeline.Progress();
        final long firstTry = System.nanoTime();
        int failures;
        boolean exhausted;
        /** Released to the source by the watchdog while its thread was stuck: that thread only finishes up. */
        volatile boolean abandoned;
        RuntimeException lastFailure;
        long dueAt;

        Work(Delivery delivery) {
            this.delivery = delivery;
        }
    }

    private final EventSource source;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final int concurrency;
    private final Duration shutdownTimeout;
    private final RetryPolicy retries;
    private final Duration stallTimeout;
    private final BooleanSupplier inferenceAlive;
    private final ExecutorService pool;
    private final Semaphore permits;
    /** Signalled whenever a recording ends, so that the polling loop can hand its slot on at once. */
    private final Semaphore slotFreed = new Semaphore(0);
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final ConcurrentLinkedQueue<Work> comeBack = new ConcurrentLinkedQueue<>();
    private final Map<Work, Long> processing = new ConcurrentHashMap<>();
    private final AtomicLong lastFinished = new AtomicLong(System.nanoTime());
    private final AtomicLong pausedUntil = new AtomicLong(System.nanoTime());
    /** Tries that hit their deadline, by delivery id: they survive the hand-back to the broker and back. */
    private final Map<String, Integer> deadlineMisses = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
                    return size() > 10_000; // messages another worker finished are never removed otherwise
                }
            });
    private volatile boolean running = true;

    Worker(EventSource source, Pipeline pipeline, Metrics metrics, int concurrency, Duration shutdownTimeout,
            Duration retryBackoff) {
        this(source, pipeline, metrics, concurrency, shutdownTimeout,
                new RetryPolicy(retryBackoff, Duration.ofMinutes(5), 10), Duration.ofMinutes(15), () -> true);
    }

    /**
     * @param stallTimeout {@code STALL_TIMEOUT}: recordings in flight and none finished for this long is unhealthy.
     *     Separately, a recording whose thread is still busy a tenth past its own deadline (waits inside the
     *     pipeline end at the deadline itself) is stuck somewhere no deadline reaches (a plugin, native code): the
     *     watchdog gives its delivery back to the source for redelivery and reports it.
     */
    Worker(EventSource source, Pipeline pipeline, Metrics metrics, int concurrency, Duration shutdownTimeout,
            RetryPolicy retries, Duration stallTimeout, BooleanSupplier inferenceAlive) {
        this.source = source;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.concurrency = concurrency;
        this.shutdownTimeout = shutdownTimeout;
        this.retries = retries;
        this.stallTimeout = stallTimeout;
        this.inferenceAlive = inferenceAlive;
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "vault-ml-recording");
            t.setDaemon(true);
            return t;
        });
        this.permits = new Semaphore(concurrency);
    }

    /** Runs until stopped, a fatal error, or (run-once) the source is exhausted. Returns the exit status. */
    int run() {
        long started = System.nanoTime();
        log.info("Consuming from {} with {} recording(s) in flight at most", source.describe(), concurrency);
        // Polled deliveries wait here for a free slot. The loop keeps polling while every slot is busy, because a
        // Kafka consumer that stops polling is thrown out of its group; the source pauses fetching instead.
        Deque<Work> pending = new ArrayDeque<>();
        PriorityQueue<Work> delayed = new PriorityQueue<>(Comparator.comparingLong((Work w) -> w.dueAt));
        try {
            while (running && fatal.get() == null) {
                Work back;
                while ((back = comeBack.poll()) != null) {
                    delayed.add(back);
                }
                releaseStuck();
                long now = System.nanoTime();
                while (!delayed.isEmpty() && delayed.peek().dueAt - now <= 0) {
                    pending.addFirst(delayed.poll()); // retries go before new deliveries
                }
                while (!pending.isEmpty() && pausedUntil.get() - System.nanoTime() <= 0 && permits.tryAcquire()) {
                    Work next = pending.poll();
                    if (!source.begin(next.delivery)) {
                        permits.release();
                        log.info("Delivery {} is no longer this worker's (its partition moved in a rebalance): "
                                + "left to its new owner", next.delivery.id());
                        continue;
                    }
                    metrics.inFlight.incrementAndGet();
                    processing.put(next, System.nanoTime());
                    pool.execute(() -> process(next));
                }
                boolean waitingForSlot = !pending.isEmpty() && permits.availablePermits() == 0;
                boolean busy = !pending.isEmpty() || !delayed.isEmpty() || permits.availablePermits() == 0;
                Duration pollTimeout = busy ? Duration.ofMillis(200) : Duration.ofSeconds(1);
                if (waitingForSlot) {
                    // Start the next recording the moment one finishes, not when a poll happens to return (that
                    // left each slot idle for up to the poll time after every recording); the source is still
                    // polled after each wait, so a Kafka consumer stays in its group.
                    awaitFreedSlot(pollTimeout);
                    pollTimeout = Duration.ZERO;
                }
                try {
                    source.poll(pollTimeout).forEach(d -> pending.add(new Work(d)));
                } catch (RetriableException e) {
                    metrics.retry("source");
                    log.warn("Event source unavailable: {}; retrying in {} s", e.getMessage(),
                            retries.first().toSeconds());
                    sleep(retries.first());
                    continue;
                } catch (ConfigException e) {
                    // The broker revealed a configuration error (refused credentials, a fenced instance id): no
                    // event can succeed, so stop instead of retrying forever.
                    fatal.compareAndSet(null, e);
                    break;
                }
                if (pending.isEmpty() && delayed.isEmpty() && comeBack.isEmpty()
                        && permits.availablePermits() == concurrency && source.exhausted()) {
                    log.info("Done: every event of {} has an outcome: {}, in {} s", source.describe(),
                            metrics.totals(), Duration.ofNanos(System.nanoTime() - started).toSeconds());
                    break;
                }
            }
        } finally {
            drain();
            List<Work> left = new ArrayList<>(pending);
            left.addAll(delayed);
            left.addAll(comeBack);
            left.forEach(w -> source.retryLater(w.delivery)); // polled or waiting, never finished: give them back
            source.close();
        }
        Throwable t = fatal.get();
        if (t != null) {
            log.error("Worker stopped by a fatal error", t);
            return 1;
        }
        return 0;
    }

    /**
     * Gives back the deliveries whose current event has been busy a tenth (and a second) past its deadline: their
     * messages return to the queue (SQS: visibility no longer extended; Kafka: the offset fetched again) while the
     * stuck thread keeps its slot; {@link #problems()} reports them until their threads come back.
     */
    private void releaseStuck() {
        long now = System.nanoTime();
        for (Work work : processing.keySet()) {
            Duration budget = work.progress.eventTimeout();
            long stuckAfter = budget.plus(budget.dividedBy(10)).plusSeconds(1).toNanos();
            if (!work.abandoned && now - work.progress.eventStarted() > stuckAfter) {
                work.abandoned = true;
                source.retryLater(work.delivery);
                metrics.retry("stuck");
                log.warn("Delivery {} has been busy for {} s, past RECORDING_TIMEOUT; released for redelivery (its "
                        + "thread is still busy)", work.delivery.id(), TimeUnit.NANOSECONDS.toSeconds(
                        now - work.progress.eventStarted()));
            }
        }
    }

    private void process(Work work) {
        try {
            if (work.exhausted) {
                pipeline.deadLetterUnsettled(work.delivery, work.progress, exhaustedReason(work), work.lastFailure);
            } else {
                pipeline.handle(work.delivery, work.progress);
            }
            // Also after a release by the watchdog: the outcome exists, so the message may go.
            source.complete(work.delivery);
            deadlineMisses.remove(work.delivery.id());
            lastFinished.set(System.nanoTime());
        } catch (RuntimeException | Error e) {
            if (work.abandoned) {
                log.info("Stuck delivery {} ended with {} after it was released; its redelivery decides",
                        work.delivery.id(), e.getClass().getSimpleName());
                return;
            }
            handleFailure(work, e);
        } finally {
            processing.remove(work);
            metrics.inFlight.decrementAndGet();
            permits.release();
            slotFreed.release();
            if (source.exhausted()) {
                source.wakeup(); // a finite source's last recording ends the run now, not when a poll times out
            }
        }
    }

    private void handleFailure(Work work, Throwable failure) {
        try {
            throw failure;
        } catch (OutageException e) {
            if (released(work)) {
                return;
            }
            long until = System.nanoTime() + e.retryAfter().toNanos();
            if (pausedUntil.getAndAccumulate(until, Math::max) - System.nanoTime() <= 0) {
                log.warn("Outage: {}; taking no new events for {} s", e.getMessage(), e.retryAfter().toSeconds());
            }
            metrics.outage(e.getClass().getSimpleName());
            work.dueAt = until;
            comeBack.add(work);
        } catch (DeadlineExceededException e) {
            if (released(work)) {
                return;
            }
            int misses = deadlineMisses.merge(work.delivery.id(), 1, Integer::sum);
            metrics.retry("deadline");
            if (retries.mayRetry(Math.max(misses, Math.max(work.failures + 1, work.delivery.attempt())))) {
                // Past its deadline this worker may be the problem (a hung detector): the broker gets the message
                // back, SQS stops extending its visibility, and whichever worker is free takes it.
                log.warn("{}; returned to the broker for redelivery (try {} of {})", e.getMessage(), misses,
                        retries.maxAttempts());
                source.retryLater(work.delivery);
                source.wakeup();
            } else {
                work.lastFailure = e;
                work.failures = Math.max(misses, work.failures + 1);
                work.exhausted = true;
                work.dueAt = System.nanoTime();
                deadlineMisses.remove(work.delivery.id());
                comeBack.add(work);
                source.wakeup();
            }
        } catch (RetriableException e) {
            if (released(work)) {
                return;
            }
            if (!work.exhausted) {
                work.lastFailure = e; // the cause the dead letter names, not a failure to write it
            }
            work.failures++;
            int attempts = Math.max(work.failures, work.delivery.attempt());
            metrics.retry(e.getClass().getSimpleName());
            if (retries.mayRetry(attempts) && !work.exhausted) {
                Duration delay = retries.delay(work.failures);
                log.warn("Transient failure on {} (attempt {} of {}): {}; retrying in {} ms", work.delivery.id(),
                        attempts, retries.maxAttempts(), e.getMessage(), delay.toMillis());
                work.dueAt = System.nanoTime() + delay.toNanos();
            } else {
                // Exhausted: the next turn writes the dead letters at once; if writing them failed, after a pause.
                work.dueAt = System.nanoTime() + (work.exhausted ? retries.delay(work.failures).toNanos() : 0);
                work.exhausted = true;
            }
            comeBack.add(work);
            source.wakeup();
        } catch (Throwable t) {
            source.retryLater(work.delivery);
            if (Thread.currentThread().isInterrupted() && !running) {
                log.info("Released {} for redelivery at shutdown", work.delivery.id());
            } else {
                fatal.compareAndSet(null, t);
                source.wakeup();
            }
        }
    }

    /** At shutdown an interrupted recording is given back rather than counted as a failure. */
    private boolean released(Work work) {
        if (!running && Thread.currentThread().isInterrupted()) {
            source.retryLater(work.delivery);
            log.info("Released {} for redelivery at shutdown", work.delivery.id());
            return true;
        }
        return false;
    }

    private String exhaustedReason(Work work) {
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - work.firstTry);
        return "Retries exhausted after " + Math.max(work.failures, work.delivery.attempt()) + " attempts over "
                + seconds + " s; last cause: " + (work.lastFailure == null ? "unknown" : work.lastFailure.getMessage());
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
        return problems().isEmpty();
    }

    /** Why the worker is not healthy, one line each; empty when it is. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        Throwable t = fatal.get();
        if (t != null) {
            out.add("fatal error: " + t.getClass().getSimpleName());
        }
        if (!inferenceAlive.getAsBoolean()) {
            out.add("the inference thread is not running");
        }
        long now = System.nanoTime();
        long sinceFinish = now - lastFinished.get();
        long stuck = processing.keySet().stream().filter(w -> w.abandoned).count();
        if (stuck > 0) {
            out.add("stuck: " + stuck + " recording(s) busy past RECORDING_TIMEOUT, released for redelivery");
        }
        long oldest = processing.values().stream().mapToLong(start -> now - start).max().orElse(0);
        if (oldest > stallTimeout.toNanos() && sinceFinish > stallTimeout.toNanos()) {
            out.add("stalled: " + processing.size() + " recording(s) in flight, the oldest for "
                    + TimeUnit.NANOSECONDS.toSeconds(oldest) + " s, none finished for "
                    + TimeUnit.NANOSECONDS.toSeconds(sinceFinish) + " s (STALL_TIMEOUT " + stallTimeout.toSeconds()
                    + " s)");
        }
        return out;
    }

    private void awaitFreedSlot(Duration atMost) {
        try {
            slotFreed.tryAcquire(atMost.toMillis(), TimeUnit.MILLISECONDS);
            slotFreed.drainPermits();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
