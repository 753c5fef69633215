package io.vaultml.api;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One message as an {@link EventSource} received it, before parsing: the raw bytes are kept so that a message
 * that cannot be parsed still reaches the dead-letter destination untouched.
 *
 * @param id opaque, unique among the source's in-flight deliveries (Kafka: topic-partition@offset; SQS: the
 *     message id)
 * @param payload the message body, copied
 * @param attributes transport headers or attributes, for provenance (never secrets)
 * @param attempt how many times this message has been delivered, 1 on first delivery when the transport knows
 */
public record Delivery(String id, byte[] payload, Map<String, String> attributes, int attempt) {

    public Delivery {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(attributes, "attributes");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
        }
        payload = payload.clone();
        attributes = Map.copyOf(attributes);
    }

    public static Delivery of(String id, String json) {
        return new Delivery(id, json.getBytes(StandardCharsets.UTF_8), Map.of(), 1);
    }

    /** The body, copied (records would otherwise hand out the internal array). */
    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Delivery d && id.equals(d.id) && attempt == d.attempt
                && Arrays.equals(payload, d.payload) && attributes.equals(d.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, attempt, Arrays.hashCode(payload));
    }

    /** Shows the id and size, never the body (it may carry a publickey or storage secret). */
    @Override
    public String toString() {
        return "Delivery[id=" + id + ", " + payload.length + " bytes, attempt=" + attempt + "]";
    }
}
