package io.vaultml.api;

/**
 * Where events that can never succeed are kept, with the reason: a dead-letter topic or queue, a file.
 *
 * <p>Same contract as {@link Forwarder}: {@link #deadLetter} returns once the entry is durable, and only then is
 * the event committed; thread-safe; {@link RetriableException} when the destination is unavailable.
 */
public interface DeadLetterSink extends AutoCloseable {

    void deadLetter(DeadLetter entry);

    String describe();

    @Override
    default void close() {
    }
}
