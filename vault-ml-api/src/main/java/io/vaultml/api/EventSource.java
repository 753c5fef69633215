package io.vaultml.api;

import java.time.Duration;
import java.util.List;

/**
 * Where recording events come from: a Kafka consumer group, an SQS queue, a local directory.
 *
 * <p><b>Delivery contract: at least once.</b> A delivery stays "in flight" from {@link #poll} until the worker
 * calls {@link #complete} (its outcome, a published result or a dead-letter entry, is durable) or
 * {@link #retryLater}. Only completed deliveries are committed (Kafka offset, SQS delete); a delivery that is
 * neither completed nor released when the process dies is delivered again. While a delivery is in flight the
 * source keeps it alive on its own (Kafka: keeps polling with the partition paused so the group does not
 * rebalance; SQS: extends the visibility timeout), however long processing takes.
 *
 * <p><b>Threads.</b> {@link #poll}, {@link #begin} and {@link #close} are called by one polling thread.
 * {@link #complete}, {@link #retryLater}, {@link #wakeup} and {@link #exhausted} may be called from any thread and
 * must not block for long;
 * implementations may defer the actual commit to the polling thread (the Kafka consumer is single-threaded).
 *
 * <p><b>Failures.</b> A broker that cannot be reached is a {@link RetriableException} from {@link #poll};
 * authentication or authorisation failures and unknown topics/queues are {@link ConfigException}s. A message
 * whose bytes cannot be parsed is not the source's concern: it is returned as any other delivery and the
 * worker dead-letters it.
 *
 * <p>{@link #close} commits what was completed, gives back what was not, and is idempotent.
 */
public interface EventSource extends AutoCloseable {

    /**
     * Waits up to {@code timeout} for new messages. Returns early, possibly with an empty list, after
     * {@link #wakeup}. Returns an empty list, with the thread's interrupt flag set, when interrupted.
     */
    List<Delivery> poll(Duration timeout);

    /** The delivery's outcome is durable: commit it. Completing a delivery twice has no further effect. */
    void complete(Delivery delivery);

    /** The delivery could not be finished now (a retriable fault, or shutdown): make it available again later. */
    void retryLater(Delivery delivery);

    /** Makes a blocked or the next {@link #poll} return promptly. Safe from any thread. */
    void wakeup();

    /**
     * The worker is about to process (or retry) the delivery; called on the polling thread. {@code false} means the
     * delivery is no longer this consumer's (Kafka: its partition moved to another member in a rebalance, which
     * delivers it again): the worker drops it without an outcome, so the two members do not both publish it.
     * Sources whose deliveries cannot be taken away keep the default, {@code true}.
     */
    default boolean begin(Delivery delivery) {
        return true;
    }

    /**
     * A try of a begun delivery ended without an outcome, and the worker keeps the delivery to try it again later
     * (after a backoff or an outage), calling {@link #begin} first. Until then nothing is processing it, so a
     * source that waits for the deliveries being processed (Kafka, before it hands a partition over) need not wait
     * for this one. Safe from any thread. The default does nothing.
     */
    default void suspend(Delivery delivery) {
    }

    /**
     * Whether a finite source (a directory processed once, a replay) has delivered everything it will ever deliver
     * and every delivery was completed; the worker then stops. Brokers never are.
     */
    default boolean exhausted() {
        return false;
    }

    /** A short description for logs, e.g. {@code kafka topic recordings (group vault-ml)}. */
    String describe();

    @Override
    void close();
}
