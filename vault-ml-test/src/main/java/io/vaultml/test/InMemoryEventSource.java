package io.vaultml.test;

import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link EventSource} over an in-memory queue with the same at-least-once semantics as the real ones:
 * polled deliveries stay in flight until completed; {@link #retryLater} puts them back with the attempt count
 * increased; {@link #close()} returns in-flight deliveries to the queue, as a crashed consumer's messages would
 * be redelivered.
 */
public final class InMemoryEventSource implements EventSource {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Delivery> queue = new ArrayDeque<>();
    private final Map<String, Delivery> inFlight = new LinkedHashMap<>();
    private final List<Delivery> completed = new ArrayList<>();
    private final int maxBatch;
    private long sequence;
    private boolean woken;
    private boolean closed;

    private int givenBack;
    private long polls;

    /** How often {@link #poll} was called: a test waits for the consumer's loop to go round. */
    public long polls() {
        lock.lock();
        try {
            return polls;
        } finally {
            lock.unlock();
        }
    }

    public InMemoryEventSource() {
        this(10);
    }

    public InMemoryEventSource(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    /** Adds a message; returns its delivery id. */
    public String offer(String body) {
        return offer(body.getBytes(StandardCharsets.UTF_8));
    }

    public String offer(byte[] body) {
        return offer(body, 1);
    }

    /** Adds a message as if the broker had delivered it {@code attempt - 1} times before. */
    public String offer(byte[] body, int attempt) {
        lock.lock();
        try {
            String id = "mem-" + sequence++;
            queue.addLast(new Delivery(id, body, Map.of(), attempt));
            changed.signalAll();
            return id;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Delivery> poll(Duration timeout) {
        lock.lock();
        try {
            polls++;
            long nanos = timeout.toNanos();
            while (queue.isEmpty() && !woken && !closed && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            woken = false;
            List<Delivery> batch = new ArrayList<>();
            while (!closed && !queue.isEmpty() && batch.size() < maxBatch) {
                Delivery d = queue.pollFirst();
                inFlight.put(d.id(), d);
                batch.add(d);
            }
            return batch;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete(Delivery delivery) {
        lock.lock();
        try {
            if (inFlight.remove(delivery.id()) != null) {
                completed.add(delivery);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void retryLater(Delivery delivery) {
        lock.lock();
        try {
            if (inFlight.remove(delivery.id()) != null) {
                givenBack++;
                queue.addLast(new Delivery(delivery.id(), delivery.payload(), delivery.attributes(),
                        delivery.attempt() + 1));
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many deliveries were given back with {@link #retryLater} so far. */
    public int givenBack() {
        lock.lock();
        try {
            return givenBack;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wakeup() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String describe() {
        return "in-memory queue";
    }

    /** Waits until {@code count} deliveries are completed in total; false on timeout. */
    public boolean awaitCompleted(int count, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (completed.size() < count) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public List<Delivery> completed() {
        lock.lock();
        try {
            return List.copyOf(completed);
        } finally {
            lock.unlock();
        }
    }

    public int inFlightCount() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    public int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // Like a consumer that stops without committing: what was in flight will be delivered again.
            List<Delivery> back = new ArrayList<>(inFlight.values());
            inFlight.clear();
            for (int i = back.size() - 1; i >= 0; i--) {
                queue.addFirst(back.get(i));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Reopens after {@link #close()}, as a restarted worker would find the queue. */
    public void reopen() {
        lock.lock();
        try {
            closed = false;
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Convenience for tests: the body of a delivery as text. */
    public static String text(Delivery delivery) {
        return new String(delivery.payload(), StandardCharsets.UTF_8);
    }
}
