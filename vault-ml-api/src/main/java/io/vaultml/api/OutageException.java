package io.vaultml.api;

import java.time.Duration;
import java.util.Objects;

/**
 * A service that every event needs is unavailable (the configured Vault's circuit breaker is open, the results
 * broker does not acknowledge): not the event's own fault. The worker does not count the attempt against the
 * event's retry budget; it stops starting new events until {@link #retryAfter()} has passed, keeps the ones it
 * holds alive (Kafka: paused partitions; SQS: extended visibility), then tries again.
 */
public class OutageException extends RetriableException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    /**
     * @param message what is down, naming the service, never a credential
     * @param retryAfter when a new try may succeed (the breaker's remaining open time, say)
     */
    public OutageException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public OutageException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** How long to wait before the next try. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
