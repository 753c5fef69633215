package io.vaultml.kerberos.http;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Retries with exponential backoff and jitter for transient faults, and a circuit breaker per service, so an outage
 * turns into a quick {@link RetriableException} (the worker pauses and commits nothing) instead of every event
 * burning its retries. Permanent errors ({@link UnprocessableInputException}) are neither retried nor counted
 * against the breaker.
 */
public final class Resilience {
    private final Retry retry;
    private final CircuitBreaker breaker;

    /**
     * @param name the service, e.g. {@code vault}, shown in messages and metrics
     * @param attempts tries per call, at least 1
     * @param firstBackoff pause before the second try; doubles each time, with 50 % jitter
     * @param openFor how long the breaker stays open before letting a trial call through
     */
    public Resilience(String name, int attempts, Duration firstBackoff, Duration openFor) {
        this.retry = Retry.of(name, RetryConfig.custom().maxAttempts(attempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(firstBackoff, 2.0, 0.5))
                .retryExceptions(RetriableException.class)
                .ignoreExceptions(UnprocessableInputException.class, CallNotPermittedException.class)
                .build());
        this.breaker = CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10).minimumNumberOfCalls(5).failureRateThreshold(50)
                .waitDurationInOpenState(openFor).permittedNumberOfCallsInHalfOpenState(1)
                .recordExceptions(RetriableException.class)
                .ignoreExceptions(UnprocessableInputException.class)
                .build());
    }

    public static Resilience defaults(String name) {
        return new Resilience(name, 3, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    <T> T call(Supplier<T> call) {
        try {
            return Retry.decorateSupplier(retry, CircuitBreaker.decorateSupplier(breaker, call)).get();
        } catch (CallNotPermittedException e) {
            throw new RetriableException("Circuit breaker '" + breaker.getName() + "' is " + breaker.getState()
                    + " after repeated failures; calls pause for a while");
        }
    }

    public CircuitBreaker.State state() {
        return breaker.getState();
    }
}
