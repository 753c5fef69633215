package io.vaultml.worker;

import io.vaultml.api.RetriableException;

/**
 * A recording did not finish before its deadline ({@code RECORDING_TIMEOUT}). Transient, but not retried in place:
 * the worker gives the message back to the broker, so that another worker (or this one, once it is free) takes it,
 * and counts it against the event's tries.
 */
final class DeadlineExceededException extends RetriableException {
    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
