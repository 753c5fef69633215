package io.vaultml.api.spi;

import io.vaultml.api.Forwarder;

/**
 * Creates a {@link Forwarder}. Register an implementation in
 * {@code META-INF/services/io.vaultml.api.spi.ForwarderProvider}; select it by {@link #name()}.
 */
public interface ForwarderProvider extends ComponentProvider<Forwarder> {
}
