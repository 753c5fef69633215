package io.vaultml.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting in tests, always with a deadline: a condition that never comes true fails the test with a description of
 * what was seen, instead of hanging it.
 */
public final class Await {
    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /**
     * Polls {@code condition} until it holds.
     *
     * @param state describes what was seen, for the failure message
     * @throws AssertionError when {@code within} passes first
     */
    public static void until(BooleanSupplier condition, Duration within, Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("still not true after " + within.toMillis() + " ms; " + state.get());
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
