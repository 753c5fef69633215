package io.vaultml.analysis;

import io.vaultml.api.StationaryStore;
import io.vaultml.api.config.Config;
import io.vaultml.api.spi.StationaryStoreProvider;

/** {@code STATIONARY_MEMORY=memory}: the {@link InProcessStationaryStore}. */
public final class InProcessStationaryStoreProvider implements StationaryStoreProvider {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public StationaryStore create(Config config) {
        return new InProcessStationaryStore();
    }
}
