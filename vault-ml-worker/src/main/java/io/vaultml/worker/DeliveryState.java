package io.vaultml.worker;

import io.vaultml.api.Delivery;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One delivery's life in the worker: a phase, one attempt count, and what its tries achieved ({@link
 * Pipeline.Progress}). Every failure of whatever kind moves it through {@link #failed} and nowhere else, so a retry
 * always resumes with its progress (an array message never publishes an event twice) and the count bounds it.
 *
 * <p><b>The attempt count</b> starts from what the transport says of earlier deliveries of the same message
 * ({@link Delivery#attempt()}: Kafka's rewinds, SQS's receive count, a quorum queue's {@code x-delivery-count}),
 * so it survives a redelivery, and each try here adds one; a delivery always gets at least one try, because a
 * transport's count also rises without any try (a message given back unstarted at shutdown, a lapsed visibility).
 * A message already delivered more than twice as often as the policy allows (a worker processing it died each
 * time, say) is dead-lettered without another try: below RabbitMQ 4's default quorum-queue delivery limit (20)
 * with the default 8 attempts, so the worker's dead letter comes before the broker's silent drop. An outage costs
 * no attempt. Used by one thread at a time; {@link #released} is read by others.
 */
final class DeliveryState {
    enum Phase {
        /** Polled, waiting for a slot. */
        WAITING,
        /** A try is running on a recording thread. */
        RUNNING,
        /** Failed transiently or met an outage: tried again at {@link #dueAt}. */
        BACKING_OFF,
        /** Out of attempts: the next turn writes its unsettled events' dead letters (at {@link #dueAt}). */
        EXHAUSTED,
        /** Given back to the source (stuck past its deadline, shutdown): its thread, if any, only finishes up. */
        RELEASED,
        /** Every event has its outcome and the source was told. */
        DONE
    }

    /** What to do after a failed try. */
    enum Next { RETRY, DEAD_LETTER }

    final Delivery delivery;
    /** Replaced only before the first try, by {@link #takeOver}. */
    Pipeline.Progress progress;
    /** The released delivery of the same message whose achievements this one takes over before it starts. */
    private DeliveryState predecessor;
    /** When this delivery first found its predecessor inside an outcome (the clock's nanoseconds), or -1. */
    private long deferredSince = -1;

    /** How long a redelivery waits for its predecessor's outcome to end before it takes what was known before. */
    static final Duration HANDOVER_WAIT = Duration.ofMinutes(2);

    /** What {@link #takeOver} did. */
    enum TakeOver { NOTHING_TO_TAKE, TAKEN, WAITING, TAKEN_WITHOUT_WAITING }
    private long firstTryNanos;
    private Phase phase = Phase.WAITING;
    private int attempts;
    private Throwable lastFailure;
    private long dueAt;
    private volatile boolean released;
    /** Out of attempts: kept when the phase moves on (a release), for a redelivery that takes over. */
    private boolean exhausted;
    /** A try is running and neither its thread nor the watchdog has claimed its end yet. */
    private final java.util.concurrent.atomic.AtomicBoolean tryOpen = new java.util.concurrent.atomic.AtomicBoolean();

    DeliveryState(Delivery delivery, LongSupplier clock) {
        this.delivery = delivery;
        this.progress = new Pipeline.Progress(clock);
        this.firstTryNanos = clock.getAsLong();
        this.attempts = delivery.attempt() - 1;
    }

    /** This delivery is a redelivery of {@code released}'s message: it resumes from what that try achieved. */
    void succeed(DeliveryState released) {
        this.predecessor = released;
    }

    /**
     * Takes over the progress, attempts and phase of the released try of the same message, if there is one. While
     * that try is inside an outcome this delivery waits (ask again on the next turn), at most
     * {@link #HANDOVER_WAIT}: then it takes what was known before that outcome, which may be written twice.
     */
    TakeOver takeOver(java.util.function.LongSupplier clock) {
        if (predecessor == null) {
            return TakeOver.NOTHING_TO_TAKE;
        }
        long now = clock.getAsLong();
        java.util.Optional<Pipeline.Progress> achieved = predecessor.progress.handOver(clock);
        TakeOver how = TakeOver.TAKEN;
        if (achieved.isEmpty()) {
            if (deferredSince < 0) {
                deferredSince = now;
            }
            if (now - deferredSince < HANDOVER_WAIT.toNanos()) {
                return TakeOver.WAITING;
            }
            achieved = java.util.Optional.of(predecessor.progress.handOverWithoutWaiting(clock));
            how = TakeOver.TAKEN_WITHOUT_WAITING;
        }
        progress = achieved.get();
        // The count goes on from the old try's, and writing the dead letters of an exhausted one is resumed.
        attempts = Math.max(attempts, predecessor.attempts);
        lastFailure = predecessor.lastFailure;
        firstTryNanos = Math.min(firstTryNanos, predecessor.firstTryNanos);
        if (predecessor.exhausted) {
            phase = Phase.EXHAUSTED;
            exhausted = true;
        }
        predecessor = null;
        return how;
    }

    /**
     * Marks the start of a try (or of writing the dead letters, which is no attempt). A message delivered more
     * often than {@code policy} allows becomes {@link Phase#EXHAUSTED} here, before anything runs.
     */
    void start(RetryPolicy policy) {
        if (phase == Phase.WAITING && attempts >= policy.maxAttempts()) {
            attempts = policy.maxAttempts() - 1; // this delivery's one try
        }
        if (phase == Phase.WAITING && delivery.attempt() > 2 * policy.maxAttempts()) {
            lastFailure = new IllegalStateException("delivered " + delivery.attempt() + " times without an outcome "
                    + "(a worker processing it may have died each time)");
            phase = Phase.EXHAUSTED;
            exhausted = true;
        }
        if (phase != Phase.EXHAUSTED) {
            attempts++;
            phase = Phase.RUNNING;
        }
        tryOpen.set(true);
    }

    /**
     * The try's thread returned: true if it still owns the delivery, false if the watchdog released it meanwhile
     * (then the redelivery decides, and this thread must not schedule it again). Exactly one of this and
     * {@link #releaseIfRunning} wins.
     */
    boolean endTry() {
        return tryOpen.compareAndSet(true, false);
    }

    /** The watchdog gives the running try's delivery back: true if it did, false if the try had just ended. */
    boolean releaseIfRunning() {
        if (!tryOpen.compareAndSet(true, false)) {
            return false;
        }
        release();
        return true;
    }

    /** Whether the running try writes dead letters instead of processing. */
    boolean deadLettering() {
        return phase == Phase.EXHAUSTED;
    }

    /**
     * A try failed transiently (a retriable fault, a missed deadline) or, when {@code exhausted} was being written,
     * writing the dead letters failed: retry after the policy's backoff, or dead-letter now.
     */
    Next failed(Throwable cause, RetryPolicy policy, long nowNanos) {
        if (phase == Phase.EXHAUSTED) {
            dueAt = nowNanos + policy.delay(attempts).toNanos(); // the dead-letter write failed: again, later
            return Next.DEAD_LETTER;
        }
        lastFailure = cause;
        if (attempts < policy.maxAttempts()) {
            phase = Phase.BACKING_OFF;
            dueAt = nowNanos + policy.delay(attempts).toNanos();
            return Next.RETRY;
        }
        phase = Phase.EXHAUSTED;
        exhausted = true;
        dueAt = nowNanos;
        return Next.DEAD_LETTER;
    }

    /** The configured Vault, Hub or results broker is unavailable: not this delivery's fault, no attempt spent. */
    void outage(long untilNanos) {
        if (phase == Phase.RUNNING) {
            attempts--;
            phase = Phase.BACKING_OFF;
        }
        dueAt = untilNanos;
    }

    void release() {
        released = true;
        phase = Phase.RELEASED;
    }

    void done() {
        phase = Phase.DONE;
    }

    boolean released() {
        return released;
    }

    Phase phase() {
        return phase;
    }

    int attempts() {
        return attempts;
    }

    long dueAt() {
        return dueAt;
    }

    Throwable lastFailure() {
        return lastFailure;
    }

    /** The dead letters' reason once attempts are exhausted. */
    String exhaustedReason(long nowNanos) {
        long seconds = Duration.ofNanos(nowNanos - firstTryNanos).toSeconds();
        return "Retries exhausted after " + attempts + " attempts over " + seconds + " s; last cause: "
                + (lastFailure == null || lastFailure.getMessage() == null ? "unknown" : lastFailure.getMessage());
    }

    @Override
    public String toString() {
        return delivery.id() + " " + phase + " after " + attempts + " attempt(s)";
    }
}
