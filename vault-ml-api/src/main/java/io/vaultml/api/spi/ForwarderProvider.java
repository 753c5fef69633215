package io.vaultml.api.spi;

import io.vaultml.api.Forwarder;
import io.vaultml.api.config.Config;

/**
 * Makes a {@link Forwarder} that runs after the transport's result publisher: media to a remote Vault, metadata to
 * Kerberos Hub, a webhook, the delete of the recording, or a plugin's. Register an implementation in
 * {@code META-INF/services/io.vaultml.api.spi.ForwarderProvider}. Unlike transports and detectors, forwarders are
 * not selected by name: every provider whose {@link #enabled} says the settings ask for it is validated, created and
 * put into the chain by {@link #order()}.
 */
public interface ForwarderProvider extends ComponentProvider<Forwarder> {

    /**
     * Position in the chain, ascending; forwarders run in that order after the results were published and stop at
     * the first failure. The Kerberos ones: media 100, Hub metadata 200, webhook 300, delete 1000 (last: a recording
     * is deleted only when everything before succeeded).
     */
    int order();

    /** Whether the settings ask for this forwarder (e.g. {@code FORWARDING_MEDIA=true}). Cheap, no I/O. */
    boolean enabled(Config config);

    /**
     * Builds the forwarder.
     *
     * @param shared what the worker's components share (circuit breakers of one service, ...)
     */
    Forwarder create(Config config, SharedComponents shared);

    @Override
    default Forwarder create(Config config) {
        return create(config, new SharedComponents());
    }
}
