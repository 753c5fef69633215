package io.vaultml.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The at-least-once behaviour every {@link EventSource} must have. Extend it and supply a source over a fresh,
 * empty topic or queue and a way to publish to it.
 */
public abstract class EventSourceContract {

    /** A source over a fresh, empty destination; each call within one test reads the same destination. */
    protected abstract EventSource openSource();

    /** Publishes a message body to the destination {@link #openSource()} reads. */
    protected abstract void publish(byte[] body);

    /**
     * Asserts that {@code delivered} is the message {@link #publish} was given as {@code published}: by default the
     * same bytes. A source whose messages are not bodies (a folder of recordings, whose delivery describes the file)
     * says what the same message means for it.
     */
    protected void assertDelivers(byte[] published, Delivery delivered) {
        assertArrayEquals(published, delivered.payload());
    }

    /** How long to wait for messages to arrive (brokers need longer than memory). */
    protected Duration patience() {
        return Duration.ofSeconds(20);
    }

    /** Polls until {@code count} deliveries arrived or patience ran out. */
    protected List<Delivery> pollFor(EventSource source, int count) {
        List<Delivery> got = new ArrayList<>();
        Await.repeatWhile(() -> got.size() < count, patience(), () -> {
            got.addAll(source.poll(Duration.ofMillis(500)));
        });
        return got;
    }

    @Test
    void deliversTheExactBytesPublished() {
        byte[] body = "{\"payload\":{\"key\":\"a/ü b.mp4\"}}".getBytes(StandardCharsets.UTF_8);
        try (EventSource source = openSource()) {
            publish(body);
            List<Delivery> got = pollFor(source, 1);
            assertEquals(1, got.size());
            assertDelivers(body, got.get(0));
            source.complete(got.get(0));
        }
    }

    @Test
    void completedDeliveriesAreNotDeliveredAgain() {
        try (EventSource source = openSource()) {
            publish("{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            publish("{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            List<Delivery> got = pollFor(source, 2);
            assertEquals(2, got.size());
            got.forEach(source::complete);
        }
        try (EventSource again = openSource()) {
            List<Delivery> extra = again.poll(Duration.ofSeconds(2));
            extra.addAll(again.poll(Duration.ofSeconds(1)));
            assertTrue(extra.isEmpty(), "completed deliveries came back: " + extra);
        }
    }

    @Test
    void uncompletedDeliveriesComeBackAfterClose() {
        byte[] body = "{\"n\":\"redeliver\"}".getBytes(StandardCharsets.UTF_8);
        try (EventSource source = openSource()) {
            publish(body);
            assertEquals(1, pollFor(source, 1).size());
            // closed without complete(): like a worker that died mid-recording
        }
        try (EventSource again = openSource()) {
            List<Delivery> got = pollFor(again, 1);
            assertEquals(1, got.size(), "the uncompleted delivery must be delivered again");
            assertDelivers(body, got.get(0));
            again.complete(got.get(0));
        }
    }

    @Test
    void retryLaterDeliversAgain() {
        byte[] body = "{\"n\":\"retry\"}".getBytes(StandardCharsets.UTF_8);
        try (EventSource source = openSource()) {
            publish(body);
            List<Delivery> first = pollFor(source, 1);
            assertEquals(1, first.size());
            source.retryLater(first.get(0));
            List<Delivery> second = pollFor(source, 1);
            assertEquals(1, second.size());
            assertDelivers(body, second.get(0));
            source.complete(second.get(0));
        }
    }

    @Test
    void wakeupEndsAPollEarly() throws Exception {
        try (EventSource source = openSource()) {
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                source.wakeup();
            });
            long start = System.nanoTime();
            waker.start();
            source.poll(Duration.ofSeconds(30));
            waker.join();
            assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(15)) < 0,
                    "poll did not return after wakeup");
        }
    }

    @Test
    void closeIsIdempotent() {
        EventSource source = openSource();
        source.close();
        assertDoesNotThrow(source::close);
    }
}
