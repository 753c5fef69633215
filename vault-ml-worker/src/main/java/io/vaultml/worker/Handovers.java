package io.vaultml.worker;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Deliveries the watchdog gave back while their try still ran, kept so that a redelivery of the same message to
 * this worker resumes from what that try achieved instead of publishing an array's finished events again. A
 * message is known by its identity and its body together: the identity a redelivery keeps (Kafka's
 * topic-partition@offset, SQS's message id, the local file; a RabbitMQ message's {@code messageId} property where
 * the publisher sets one: its delivery tag changes) so that a different message with the same body (a producer's
 * retry, a resent event) is not taken for it, and the body so that a reused identity is not either. Bounded: {@value #MOST} releases, each kept {@link #KEEP_NANOS} at most; a redelivery that goes
 * to another worker, or comes later, starts afresh (at least once). Used by the worker's polling thread only.
 */
final class Handovers {
    static final int MOST = 256;
    static final long KEEP_NANOS = java.time.Duration.ofHours(1).toNanos();

    private record Released(DeliveryState state, long at) {
    }

    private final LongSupplier clock;
    private final Map<String, Released> byMessage = new LinkedHashMap<>();

    Handovers(LongSupplier clock) {
        this.clock = clock;
    }

    /** {@code state}'s delivery was given back while its try runs (its progress already fenced). */
    void released(DeliveryState state) {
        byMessage.put(key(state.delivery), new Released(state, clock.getAsLong()));
        if (byMessage.size() > MOST) {
            byMessage.remove(byMessage.keySet().iterator().next());
        }
    }

    /** A delivery just polled: made the successor of the released try of the same message, if there is one. */
    DeliveryState polled(DeliveryState fresh) {
        if (byMessage.isEmpty()) {
            return fresh;
        }
        long now = clock.getAsLong();
        byMessage.values().removeIf(r -> now - r.at() > KEEP_NANOS);
        Released released = byMessage.remove(key(fresh.delivery));
        if (released != null) {
            fresh.succeed(released.state());
        }
        return fresh;
    }

    private static String key(io.vaultml.api.Delivery delivery) {
        String id = delivery.attributes().getOrDefault("messageId", delivery.id());
        return id + "\n" + digest(delivery.payload());
    }

    private static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
