package io.vaultml.worker;

import io.vaultml.analysis.DeadlineExceededException;
import io.vaultml.api.ConfigException;
import io.vaultml.api.EventSource;
import io.vaultml.api.OutageException;
import io.vaultml.api.RetriableException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll, process, commit loop. One thread polls the source; up to {@code concurrency} deliveries are processed
 * at once on a pool; each is completed (committed) only after {@link Pipeline#handle} gave every event of it an
 * outcome.
 *
 * <p><b>Retries stay in the worker.</b> A try that failed with a transient fault or missed its deadline is not
 * given back to the source: the worker keeps the delivery (Kafka holds the offset uncommitted, SQS extends its
 * visibility, RabbitMQ holds it unacknowledged) and tries it again after the {@link RetryPolicy}'s backoff,
 * resuming where it stopped, so an event that already has its outcome is never redone. Its {@link DeliveryState}
 * counts the attempts, starting from the transport's own count; after the last one its unsettled events are
 * dead-lettered with "retries exhausted" and the last cause.
 *
 * <p><b>Outages.</b> An {@link OutageException} (the configured Vault's breaker is open, the results broker does
 * not answer) is not the delivery's fault: no attempt is spent, and no delivery starts until the outage's retry
 * time has passed; polling goes on, so the source keeps what it holds alive and stops fetching once full.
 *
 * <p><b>Fatal.</b> Only what fails every event stops the worker (exit 1): a {@link ConfigException} found at run
 * time, a dead inference thread, a {@link VirtualMachineError}. Its delivery is given back first.
 *
 * <p><b>Stuck.</b> The {@link Watchdog} names a try still busy well past its step's budget (where no deadline
 * reaches: a plugin, native code); its delivery is given back for redelivery while its thread keeps the slot. That
 * try adds no outcome after the release ({@link Pipeline.Progress#fence}), and a redelivery of the message to this
 * worker resumes from what it had achieved ({@link Handovers}).
 *
 * <p>{@link #stop()} (SIGTERM) stops polling; in-flight recordings get {@code shutdownTimeout} to finish, then
 * their threads are interrupted; everything not finished is released for redelivery.
 */
final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final EventSource source;
    private final Pipeline pipeline;
    private final Metrics metrics;
    private final int concurrency;
    private final Duration shutdownTimeout;
    private final RetryPolicy retries;
    private final BooleanSupplier inferenceAlive;
    private final LongSupplier clock;
    private final RetryScheduler later;
    private final Watchdog watchdog;
    private final Handovers handovers;
    private final ExecutorService pool;
    private final Semaphore permits;
    /** Signalled whenever a try ends, so that the polling loop can hand its slot on at once. */
    private final Semaphore slotFreed = new Semaphore(0);
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private final AtomicLong pausedUntil;
    private volatile boolean running = true;

    /**
     * @param stallTimeout {@code STALL_TIMEOUT}: recordings in flight and none finished for this long is unhealthy
     * @param clock nanoseconds, {@link System#nanoTime} outside tests: backoffs, outages and the watchdog
     */
    Worker(EventSource source, Pipeline pipeline, Metrics metrics, int concurrency, Duration shutdownTimeout,
            RetryPolicy retries, Duration stallTimeout, BooleanSupplier inferenceAlive, LongSupplier clock) {
        this.source = source;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.concurrency = concurrency;
        this.shutdownTimeout = shutdownTimeout;
        this.retries = retries;
        this.inferenceAlive = inferenceAlive;
        this.clock = clock;
        this.later = new RetryScheduler(clock);
        this.watchdog = new Watchdog(clock, stallTimeout);
        this.handovers = new Handovers(clock);
        this.pausedUntil = new AtomicLong(clock.getAsLong());
        this.pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread t = new Thread(r, "vault-ml-recording");
            t.setDaemon(true);
            return t;
        });
        this.permits = new Semaphore(concurrency);
    }

    Worker(EventSource source, Pipeline pipeline, Metrics metrics, int concurrency, Duration shutdownTimeout,
            RetryPolicy retries, Duration stallTimeout, BooleanSupplier inferenceAlive) {
        this(source, pipeline, metrics, concurrency, shutdownTimeout, retries, stallTimeout, inferenceAlive,
                System::nanoTime);
    }

    /** Runs until stopped, a fatal error, or (run-once) the source is exhausted. Returns the exit status. */
    int run() {
        long started = clock.getAsLong();
        log.info("Consuming from {} with {} recording(s) in flight at most", source.describe(), concurrency);
        // Polled deliveries wait here for a free slot, retries first. The loop keeps polling while every slot is
        // busy, because a Kafka consumer that stops polling is thrown out of its group; the source pauses instead.
        Deque<DeliveryState> waiting = new ArrayDeque<>();
        try {
            while (running && fatal.get() == null) {
                releaseStuck();
                later.due().forEach(waiting::addFirst);
                startWhatFits(waiting);
                if (!pollInto(waiting)) {
                    break;
                }
                if (waiting.isEmpty() && later.isEmpty() && permits.availablePermits() == concurrency
                        && source.exhausted()) {
                    log.info("Done: every event of {} has an outcome: {}, in {} s", source.describe(),
                            metrics.totals(), Duration.ofNanos(clock.getAsLong() - started).toSeconds());
                    break;
                }
            }
        } finally {
            boolean allFinished = drain();
            waiting.addAll(later.drain());
            waiting.forEach(s -> source.retryLater(s.delivery)); // polled or waiting, never finished: give back
            source.close();
            if (!running && allFinished) {
                // After the source's last commit: what this line says is what the broker now holds.
                log.info(waiting.isEmpty() ? "Stopped: every delivery this worker started has its outcome"
                        : "Stopped: {} deliveries without an outcome handed back for redelivery, the rest have "
                                + "theirs", waiting.size());
            }
        }
        Throwable t = fatal.get();
        if (t != null) {
            log.error("Worker stopped by a fatal error", t);
            return 1;
        }
        return 0;
    }

    private void startWhatFits(Deque<DeliveryState> waiting) {
        Deque<DeliveryState> notYet = new ArrayDeque<>();
        while (!waiting.isEmpty() && pausedUntil.get() - clock.getAsLong() <= 0 && permits.tryAcquire()) {
            DeliveryState next = waiting.poll();
            DeliveryState.TakeOver took = next.takeOver(clock);
            if (took == DeliveryState.TakeOver.WAITING) {
                permits.release();
                notYet.add(next); // its released predecessor is inside an outcome: next turn
                continue;
            }
            if (took == DeliveryState.TakeOver.TAKEN_WITHOUT_WAITING) {
                log.warn("Delivery {}: its released try has been writing one outcome for {} s; resuming without it "
                        + "(that outcome may be written twice)", next.delivery.id(),
                        DeliveryState.HANDOVER_WAIT.toSeconds());
            } else if (took == DeliveryState.TakeOver.TAKEN) {
                log.info("Delivery {} resumes from what its released try achieved", next.delivery.id());
            }
            if (!source.begin(next.delivery)) {
                permits.release();
                log.info("Delivery {} is no longer this worker's (its partition moved in a rebalance): left to its "
                        + "new owner", next.delivery.id());
                continue;
            }
            next.start(retries);
            metrics.inFlight.incrementAndGet();
            watchdog.started(next);
            pool.execute(() -> process(next));
        }
        notYet.descendingIterator().forEachRemaining(waiting::addFirst);
    }

    /** Polls once, waiting for a freed slot first where work waits for one; false when the loop must stop. */
    private boolean pollInto(Deque<DeliveryState> waiting) {
        boolean waitingForSlot = !waiting.isEmpty() && permits.availablePermits() == 0;
        boolean busy = !waiting.isEmpty() || !later.isEmpty() || permits.availablePermits() == 0;
        Duration pollTimeout = busy ? Duration.ofMillis(200) : Duration.ofSeconds(1);
        if (waitingForSlot) {
            // Start the next recording the moment one finishes, not when a poll happens to return.
            awaitFreedSlot(pollTimeout);
            pollTimeout = Duration.ZERO;
        }
        try {
            source.poll(pollTimeout).forEach(d -> waiting.add(handovers.polled(new DeliveryState(d, clock))));
            return true;
        } catch (RetriableException e) {
            metrics.retry("source");
            log.warn("Event source unavailable: {}; retrying in {} s", e.getMessage(), retries.first().toSeconds());
            sleep(retries.first());
            return true;
        } catch (ConfigException e) {
            // The broker revealed a configuration error (refused credentials, a fenced instance id): stop.
            fatal.compareAndSet(null, e);
            return false;
        }
    }

    /** Gives back the deliveries the watchdog finds stuck; their threads keep their slots until they return. */
    private void releaseStuck() {
        for (DeliveryState stuck : watchdog.stuck()) {
            if (!stuck.releaseIfRunning()) {
                continue; // its thread returned just now: it decides
            }
            // Before the message can come back: the old try adds no outcome from now on, and a redelivery to this
            // worker takes over what it achieved, so an array's finished events are not published again.
            stuck.progress.fence();
            handovers.released(stuck);
            source.retryLater(stuck.delivery);
            metrics.retry("stuck");
            log.warn("Delivery {} has been busy for {} s, past its budget; released for redelivery (its thread is "
                    + "still busy)", stuck.delivery.id(), watchdog.inStep(stuck).toSeconds());
        }
    }

    private void process(DeliveryState state) {
        Throwable failure = null;
        try {
            if (state.deadLettering()) {
                pipeline.deadLetterUnsettled(state.delivery, state.progress,
                        state.exhaustedReason(clock.getAsLong()), state.lastFailure());
            } else {
                pipeline.handle(state.delivery, state.progress);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        // Claim the try's end before anything can schedule it again: the watchdog may have released it meanwhile.
        boolean ownTry = state.endTry();
        watchdog.ended(state, failure == null);
        try {
            if (failure == null) {
                // Also after a release by the watchdog: the outcome exists, so the message may go.
                source.complete(state.delivery);
                state.done();
            } else if (!ownTry) {
                log.info("Stuck delivery {} ended with {} after it was released; its redelivery decides",
                        state.delivery.id(), failure.getClass().getSimpleName());
            } else if (!running && Thread.currentThread().isInterrupted()) {
                release(state, "at shutdown");
            } else {
                handleFailure(state, failure);
            }
        } finally {
            metrics.inFlight.decrementAndGet();
            permits.release();
            slotFreed.release();
            if (source.exhausted()) {
                source.wakeup(); // a finite source's last recording ends the run now, not when a poll times out
            }
        }
    }

    private void handleFailure(DeliveryState state, Throwable failure) {
        if (failure instanceof RetriableException) {
            source.suspend(state.delivery); // kept for a later try: nothing processes it meanwhile
        }
        if (failure instanceof OutageException e) {
            long until = clock.getAsLong() + e.retryAfter().toNanos();
            if (pausedUntil.getAndAccumulate(until, Math::max) - clock.getAsLong() <= 0) {
                log.warn("Outage: {}; taking no new events for {} s", e.getMessage(), e.retryAfter().toSeconds());
            }
            metrics.outage(e.getClass().getSimpleName());
            state.outage(until);
            later.schedule(state);
        } else if (failure instanceof RetriableException e) { // DeadlineExceededException included
            metrics.retry(e instanceof DeadlineExceededException ? "deadline" : e.getClass().getSimpleName());
            if (state.failed(e, retries, clock.getAsLong()) == DeliveryState.Next.RETRY) {
                log.warn("Transient failure on {} (attempt {} of {}): {}; retrying in {} ms", state.delivery.id(),
                        state.attempts(), retries.maxAttempts(), e.getMessage(),
                        Duration.ofNanos(state.dueAt() - clock.getAsLong()).toMillis());
            }
            later.schedule(state);
        } else {
            release(state, "after a fatal error");
            fatal.compareAndSet(null, failure);
        }
        source.wakeup();
    }

    private void release(DeliveryState state, String when) {
        state.release();
        source.retryLater(state.delivery);
        log.info("Released {} for redelivery {}", state.delivery.id(), when);
    }

    /** Waits for the running tries; false when some were still running at the shutdown timeout and were cut. */
    private boolean drain() {
        pool.shutdown();
        int inFlight = metrics.inFlight.get();
        if (!running && inFlight > 0) {
            log.info("Stopping: {} recording(s) in flight get up to {} s (SHUTDOWN_TIMEOUT) to finish", inFlight,
                    shutdownTimeout.toSeconds());
        }
        try {
            if (!pool.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} recording(s) still in flight after {} s; releasing them for redelivery",
                        metrics.inFlight.get(), shutdownTimeout.toSeconds());
                pool.shutdownNow();
                pool.awaitTermination(5, TimeUnit.SECONDS);
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
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
        out.addAll(watchdog.problems());
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
