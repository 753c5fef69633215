package io.vaultml.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how soon a delivery that failed with a transient fault is tried again: exponential backoff from
 * {@code first}, doubling per failure up to {@code max}, with ±50 % jitter so that recordings that failed together
 * do not come back together; after {@code maxAttempts} tries in all, the delivery is dead-lettered with reason
 * "retries exhausted" and its last cause.
 *
 * @param first the pause after the first failure
 * @param max the longest pause
 * @param maxAttempts tries in all, the first included
 */
record RetryPolicy(Duration first, Duration max, int maxAttempts) {

    RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
    }

    /** The pause after the {@code failures}-th failure (1 = the first). */
    Duration delay(int failures) {
        double base = first.toMillis() * Math.pow(2, Math.min(30, Math.max(0, failures - 1)));
        double capped = Math.min(base, max.toMillis());
        double jittered = capped * (0.5 + ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis((long) Math.min(jittered, max.toMillis()));
    }

    /** Whether a delivery that has failed {@code failures} times may be tried again. */
    boolean mayRetry(int failures) {
        return failures < maxAttempts;
    }
}
