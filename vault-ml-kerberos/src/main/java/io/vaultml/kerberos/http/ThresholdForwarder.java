package io.vaultml.kerberos.http;

import io.vaultml.api.Forwarder;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.UnprocessableInputException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A forwarder that acts only when a result has at least {@code threshold} objects of interest
 * ({@link io.vaultml.api.AnalysisResult#objectsOfInterest()}, compared with {@code FORWARDING_OBJECT_THRESHOLD}),
 * and sends one HTTP call through the shared retry and circuit breaker, treating non-2xx answers as permanent.
 */
abstract class ThresholdForwarder implements Forwarder {
    final int threshold;
    final Duration timeout;
    private final Resilience resilience;

    ThresholdForwarder(int threshold, Duration timeout, Resilience resilience) {
        this.threshold = threshold;
        this.timeout = timeout;
        this.resilience = resilience;
    }

    @Override
    public final void forward(ResultMessage message) {
        if (message.result().objectsOfInterest() >= threshold) {
            send(message);
        }
    }

    abstract void send(ResultMessage message);

    /**
     * Runs the call with retries through the breaker of {@code origin}; a non-2xx answer is an
     * {@link UnprocessableInputException} naming {@code what}.
     */
    void call(String what, String origin, boolean configured, Supplier<HttpCall> call) {
        HttpCall.Response r = resilience.call(origin, configured,
                () -> call.get().send(what, "forward", timeout, timeout, 1 << 16));
        if (!r.ok()) {
            throw new UnprocessableInputException("forward", what + " failed: HTTP " + r.status() + " " + r.excerpt());
        }
    }
}
