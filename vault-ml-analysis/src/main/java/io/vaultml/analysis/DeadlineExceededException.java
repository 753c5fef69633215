package io.vaultml.analysis;

import io.vaultml.api.RetriableException;

/**
 * A recording did not finish before its deadline ({@link RecordingAnalyzer#timeoutFor}). Transient, but the worker
 * does not retry it in place: it gives the message back to the broker, so that another worker (or this one, once
 * it is free) takes it, and counts it against the event's tries.
 */
public final class DeadlineExceededException extends RetriableException {
    private static final long serialVersionUID = 1L;

    DeadlineExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
