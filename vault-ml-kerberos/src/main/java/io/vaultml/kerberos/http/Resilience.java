package io.vaultml.kerberos.http;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.vaultml.api.OutageException;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Retries with exponential backoff and jitter for transient faults, and one circuit breaker per endpoint (origin),
 * so an outage turns into a quick exception instead of every event burning its retries, and a host named by one
 * event's {@code data.storage_uri} cannot open the breaker of the configured Vault. Permanent errors
 * ({@link UnprocessableInputException}) are neither retried nor counted against a breaker.
 *
 * <p>An open breaker of a <em>configured</em> endpoint is an {@link OutageException} (the worker pauses and does
 * not count the attempt against the event); an open breaker of a host an event named is a plain
 * {@link RetriableException}, counted against that event, so a bad override cannot loop forever.
 */
public final class Resilience {
    private static final int MAX_BREAKERS = 256;

    private final String name;
    private final Retry retry;
    private final CircuitBreakerConfig breakerConfig;
    private final Duration openFor;
    private final Map<String, CircuitBreaker> breakers = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CircuitBreaker> eldest) {
                    return size() > MAX_BREAKERS; // hostile events must not grow this without bound
                }
            });

    /**
     * @param name the service, e.g. {@code vault}, shown in messages and metrics
     * @param attempts tries per call, at least 1
     * @param firstBackoff pause before the second try; doubles each time, with 50 % jitter
     * @param openFor how long a breaker stays open before letting a trial call through
     */
    public Resilience(String name, int attempts, Duration firstBackoff, Duration openFor) {
        this.name = name;
        this.openFor = openFor;
        this.retry = Retry.of(name, RetryConfig.custom().maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(firstBackoff, 2.0, 0.5))
                .retryExceptions(RetriableException.class)
                // One list (a second call replaces the first). Out of time is out of time: another try would only
                // fail at once, or run past the recording's deadline.
                .ignoreExceptions(UnprocessableInputException.class, CallNotPermittedException.class,
                        HttpCall.TimeLimitExceeded.class)
                .build());
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
                .waitDurationInOpenState(openFor).permittedNumberOfCallsInHalfOpenState(1)
                .recordExceptions(RetriableException.class)
                // A recording that did not arrive within its own deadline is that recording's problem (its retries
                // and dead letter decide), not a sign the service is down: it must not pause every other recording.
                .ignoreExceptions(UnprocessableInputException.class, HttpCall.TimeLimitExceeded.class)
                .build();
    }

    public static Resilience defaults(String name) {
        return new Resilience(name, 3, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /**
     * Calls {@code endpoint} with retries through its breaker.
     *
     * @param endpoint the origin called (see {@link HttpCall#origin}); each has its own breaker
     * @param configured whether the operator configured it (an open breaker is then an outage)
     */
    <T> T call(String endpoint, boolean configured, Supplier<T> call) {
        CircuitBreaker breaker = breakers.computeIfAbsent(endpoint,
                e -> CircuitBreaker.of(name + " " + e, breakerConfig));
        RetriableException[] lastFailure = {null};
        Supplier<T> counted = () -> {
            try {
                return call.get();
            } catch (RetriableException e) {
                lastFailure[0] = e;
                throw e;
            }
        };
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, counted)).get();
        } catch (CallNotPermittedException e) {
            if (lastFailure[0] != null) {
                // This call itself reached the service and failed (the half-open trial, say): that is the event's
                // attempt, so a recording the service always fails for cannot hide behind the open breaker forever.
                throw lastFailure[0];
            }
            String message = "The " + name + " at " + endpoint + " failed repeatedly (circuit breaker "
                    + breaker.getState() + "); calls pause for up to " + openFor.toSeconds() + " s";
            if (configured) {
                throw new OutageException(message, openFor);
            }
            throw new RetriableException(message);
        }
    }

    /** The breaker state of one endpoint; CLOSED when it was never called. */
    public CircuitBreaker.State state(String endpoint) {
        CircuitBreaker b = breakers.get(endpoint);
        return b == null ? CircuitBreaker.State.CLOSED : b.getState();
    }
}
