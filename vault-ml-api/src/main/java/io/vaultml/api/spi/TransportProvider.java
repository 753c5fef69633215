package io.vaultml.api.spi;

import io.vaultml.api.Transport;
import io.vaultml.api.config.Config;

/**
 * Makes a {@link Transport}: Kafka, SQS, a local folder, or a plugin's. Register an implementation in
 * {@code META-INF/services/io.vaultml.api.spi.TransportProvider}; the worker selects it by {@code QUEUE_SYSTEM},
 * compared case-insensitively with {@link #name()} ({@code KAFKA} selects {@code kafka}).
 *
 * <p>{@link #validate} reports every missing or contradictory setting without I/O; {@link #open} connects, checks
 * that the topics or queues exist and may be used (a {@link io.vaultml.api.ConfigException} otherwise), and
 * returns the opened transport.
 */
public interface TransportProvider extends ComponentProvider<Transport> {

    /**
     * Opens the transport.
     *
     * @param maxInFlight how many deliveries the worker holds at most (processing, waiting for a slot or for a
     *     retry); a source stops fetching while it has this many unsettled
     */
    Transport open(Config config, int maxInFlight);

    /** Whether recordings are downloaded from Kerberos Vault; false when {@link Transport#media()} serves them. */
    default boolean fetchesFromVault() {
        return true;
    }

    @Override
    default Transport create(Config config) {
        return open(config, 4);
    }

    /**
     * For {@link #open} implementations that fail half-way: closes what was already opened, newest first, keeping
     * any failure to close as suppressed, and returns {@code failure} to rethrow.
     */
    static RuntimeException closeOpened(RuntimeException failure, java.util.List<? extends AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception suppressed) {
                failure.addSuppressed(suppressed);
            }
        }
        return failure;
    }
}
