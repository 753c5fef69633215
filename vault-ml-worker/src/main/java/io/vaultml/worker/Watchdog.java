package io.vaultml.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Watches the tries that are running. Each step of a try (an event's analysis and publishing, or the writing of
 * dead letters) announces its budget through {@link Pipeline.Progress#beginStep}; a try still in the same step a
 * tenth and five seconds past that budget is stuck somewhere no deadline reaches (a plugin, native code), and
 * {@link #stuck} names it so the worker can give it back. Also tells a stall: tries running and none finished for
 * {@code stallTimeout}. Thread-safe; time from the injected clock.
 */
final class Watchdog {
    private final LongSupplier clock;
    private final Duration stallTimeout;
    private final Map<DeliveryState, Long> running = new ConcurrentHashMap<>();
    private final AtomicLong lastFinished;

    Watchdog(LongSupplier clock, Duration stallTimeout) {
        this.clock = clock;
        this.stallTimeout = stallTimeout;
        this.lastFinished = new AtomicLong(clock.getAsLong());
    }

    /** A try starts: its step's time counts from now, not from the previous try (a retry after a backoff). */
    void started(DeliveryState state) {
        state.progress.restartStep();
        running.put(state, clock.getAsLong());
    }

    /** The try ended; {@code finished} when it gave the delivery its outcome. */
    void ended(DeliveryState state, boolean finished) {
        running.remove(state);
        if (finished) {
            lastFinished.set(clock.getAsLong());
        }
    }

    /** Running tries past their step's budget and not yet released. */
    List<DeliveryState> stuck() {
        long now = clock.getAsLong();
        List<DeliveryState> out = new ArrayList<>();
        for (DeliveryState state : running.keySet()) {
            long stuckAfter = stuckAfterNanos(state.progress.stepBudget());
            if (!state.released() && now - state.progress.stepStarted() > stuckAfter) {
                out.add(state);
            }
        }
        return out;
    }

    /**
     * A tenth and five seconds past the budget: the try's own deadline must have had its chance first, and on a
     * loaded machine its cut can come a second or two late (TwoFaultsIT saw 1.8 s on 2 cores); releasing the try
     * before that hands its delivery over with its progress lost, and an array's finished events are published
     * again. A budget too large to count in nanoseconds never runs out.
     */
    static long stuckAfterNanos(Duration budget) {
        try {
            return budget.plus(budget.dividedBy(10)).plusSeconds(5).toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** How long the try has been in its current step. */
    Duration inStep(DeliveryState state) {
        return Duration.ofNanos(clock.getAsLong() - state.progress.stepStarted());
    }

    /** Why the running tries are unhealthy, one line each; empty when they are not. */
    List<String> problems() {
        List<String> out = new ArrayList<>();
        long now = clock.getAsLong();
        long stuck = running.keySet().stream().filter(DeliveryState::released).count();
        if (stuck > 0) {
            out.add("stuck: " + stuck + " recording(s) busy past RECORDING_TIMEOUT, released for redelivery");
        }
        long sinceFinish = now - lastFinished.get();
        long oldest = running.values().stream().mapToLong(start -> now - start).max().orElse(0);
        if (oldest > stallTimeout.toNanos() && sinceFinish > stallTimeout.toNanos()) {
            out.add("stalled: " + running.size() + " recording(s) in flight, the oldest for "
                    + TimeUnit.NANOSECONDS.toSeconds(oldest) + " s, none finished for "
                    + TimeUnit.NANOSECONDS.toSeconds(sinceFinish) + " s (STALL_TIMEOUT " + stallTimeout.toSeconds()
                    + " s)");
        }
        return out;
    }
}
