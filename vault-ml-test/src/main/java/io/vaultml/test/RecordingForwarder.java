package io.vaultml.test;

import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Forwarder;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps every forwarded result and dead-letter entry in memory, in order. {@link #failNext(int)} makes the next
 * calls throw a {@link RetriableException}, to test that nothing is committed on failure.
 */
public final class RecordingForwarder implements Forwarder, DeadLetterSink {
    private final List<ResultMessage> results = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile boolean closed;

    @Override
    public synchronized void forward(ResultMessage message) {
        failIfAsked("result for " + message.key());
        results.add(message);
        notifyAll();
    }

    @Override
    public synchronized void deadLetter(DeadLetter entry) {
        failIfAsked("dead letter for " + entry.delivery().id());
        deadLetters.add(entry);
        notifyAll();
    }

    private void failIfAsked(String what) {
        if (closed) {
            throw new IllegalStateException("forwarder is closed");
        }
        if (failures.get() > 0) {
            failures.decrementAndGet();
            throw new RetriableException("recording forwarder told to fail: " + what);
        }
    }

    /** The next {@code count} calls fail with a {@link RetriableException}. */
    public void failNext(int count) {
        failures.set(count);
    }

    public synchronized List<ResultMessage> results() {
        return List.copyOf(results);
    }

    public synchronized List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** Waits until results plus dead letters reach {@code count}; false on timeout. */
    public synchronized boolean awaitOutcomes(int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (results.size() + deadLetters.size() < count) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public String describe() {
        return "recording forwarder";
    }

    @Override
    public void close() {
        closed = true;
    }
}
