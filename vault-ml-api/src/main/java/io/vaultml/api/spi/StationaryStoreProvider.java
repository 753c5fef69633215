package io.vaultml.api.spi;

import io.vaultml.api.StationaryStore;

/**
 * Makes the {@link StationaryStore} that {@code STATIONARY_MEMORY} names ({@code memory} in this process,
 * {@code redis} from {@code vault-ml-redis}, or a plugin's). Register an implementation in
 * {@code META-INF/services/io.vaultml.api.spi.StationaryStoreProvider}. Selected by name only, never by priority:
 * {@code off} selects none.
 */
public interface StationaryStoreProvider extends ComponentProvider<StationaryStore> {
}
