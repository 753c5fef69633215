package io.vaultml.api;

/**
 * Sends a result somewhere: the target Kafka topic or SQS queue, Kerberos Hub, a remote Vault, a webhook.
 *
 * <p>{@link #forward} blocks until the destination acknowledged the message: when it returns, the result is
 * durable there. The worker commits the event only after every forwarder returned. Forwarders are called
 * concurrently from several pipeline threads and are thread-safe. A redelivered event is forwarded again, so a
 * destination sees a result at least once; the {@link ResultMessage#key() key} lets it deduplicate.
 *
 * <p>Throw {@link RetriableException} for faults that may pass (the event is retried and not committed), and
 * {@link UnprocessableInputException} (stage {@code forward}) when the destination rejects this result for good.
 * Messages must not contain credentials. {@link #close} flushes and is idempotent.
 */
public interface Forwarder extends AutoCloseable {

    void forward(ResultMessage message);

    /** A short description for logs, e.g. {@code kafka topic ml-results}. */
    String describe();

    @Override
    default void close() {
    }
}
