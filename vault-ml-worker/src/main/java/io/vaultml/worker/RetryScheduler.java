package io.vaultml.worker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongSupplier;

/**
 * Deliveries waiting to be tried again (after a backoff, an outage, or to write their dead letters), in the order
 * they fall due. Recording threads add; the polling loop takes what is due. Thread-safe. Time comes from the
 * injected clock ({@link System#nanoTime} in production), so tests can move it.
 */
final class RetryScheduler {
    private final LongSupplier clock;
    private final PriorityQueue<DeliveryState> waiting =
            new PriorityQueue<>(Comparator.comparingLong(DeliveryState::dueAt));

    RetryScheduler(LongSupplier clock) {
        this.clock = clock;
    }

    synchronized void schedule(DeliveryState state) {
        waiting.add(state);
    }

    /** Those whose time has come, earliest first. */
    synchronized List<DeliveryState> due() {
        long now = clock.getAsLong();
        List<DeliveryState> out = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peek().dueAt() - now <= 0) {
            out.add(waiting.poll());
        }
        return out;
    }

    synchronized boolean isEmpty() {
        return waiting.isEmpty();
    }

    /** Everything still waiting (at shutdown, to give back). */
    synchronized List<DeliveryState> drain() {
        List<DeliveryState> out = new ArrayList<>(waiting);
        waiting.clear();
        return out;
    }
}
