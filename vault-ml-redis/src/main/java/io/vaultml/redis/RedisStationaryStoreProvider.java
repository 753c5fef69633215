package io.vaultml.redis;

import io.vaultml.api.ConfigException;
import io.vaultml.api.StationaryStore;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.StationaryStoreProvider;
import java.net.URI;
import java.util.List;

/** {@code STATIONARY_MEMORY=redis}: the {@link RedisStationaryStore} at {@code REDIS_URL}. */
public final class RedisStationaryStoreProvider implements StationaryStoreProvider {
    @Override
    public String name() {
        return "redis";
    }

    @Override
    public ConfigDef configDef() {
        return RedisSettings.CONFIG;
    }

    @Override
    public List<String> validate(Config config) {
        return RedisSettings.problems(config);
    }

    /** Connects lazily: a Redis that is down at startup costs nothing but the memory until it answers. */
    @Override
    public StationaryStore create(Config config) {
        ConfigException.throwIfAny(validate(config));
        return new RedisStationaryStore(URI.create(config.get(RedisSettings.REDIS_URL).reveal().trim()),
                config.get(RedisSettings.REDIS_KEY_PREFIX), config.get(RedisSettings.REDIS_TIMEOUT));
    }
}
