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

    /** One round of a polling loop: a poll that gathers what arrived. May throw; see {@link #repeatWhile}. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /**
     * Repeats {@code step} while {@code more} holds, for at most {@code within}: the one bounded polling loop of
     * the tests. Returns whether {@code more} stopped holding; false means time ran out, and the caller asserts on
     * what it gathered, with a message that says what was missing. An exception of the step ends the loop as an
     * unchecked exception (an {@link InterruptedException} as one with the interrupt flag set again).
     */
    public static boolean repeatWhile(BooleanSupplier more, Duration within, Step step) {
        long deadline = System.nanoTime() + within.toNanos();
        while (more.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while polling", e);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return true;
    }
}
