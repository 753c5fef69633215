package io.vaultml.api;

import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * One message system, opened: where recording events come from, where results and dead letters go, and,
 * for transports that carry the recordings themselves (a local folder), how to read them. Made by a
 * {@link io.vaultml.api.spi.TransportProvider}.
 *
 * <p>{@link #close()} closes everything the transport opened, the event source included (closing a source twice is
 * allowed), and is idempotent.
 */
public interface Transport extends AutoCloseable {

    EventSource events();

    /** The result publisher; the worker runs it before any other forwarder. */
    Forwarder results();

    DeadLetterSink deadLetters();

    /** How recordings are read when the transport carries them; empty: from Kerberos Vault. */
    default Optional<MediaFetcher> media() {
        return Optional.empty();
    }

    /** Transport-specific gauges for {@code /metrics}, by name (e.g. {@code vaultml.consumer.lag.max}). */
    default Map<String, DoubleSupplier> gauges() {
        return Map.of();
    }

    @Override
    void close();
}
