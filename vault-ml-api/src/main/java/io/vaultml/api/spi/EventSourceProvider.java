package io.vaultml.api.spi;

import io.vaultml.api.EventSource;

/**
 * Creates a {@link EventSource}. Register an implementation in
 * {@code META-INF/services/io.vaultml.api.spi.EventSourceProvider}; select it by {@link #name()}.
 */
public interface EventSourceProvider extends ComponentProvider<EventSource> {
}
