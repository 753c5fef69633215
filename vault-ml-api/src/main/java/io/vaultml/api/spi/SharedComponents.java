package io.vaultml.api.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What the components of one worker share, by type: providers that must see the same object (one set of circuit
 * breakers for a service, one memory of removed recordings) get it here instead of each making its own. One
 * instance per worker; thread-safe.
 */
public final class SharedComponents {
    private final Map<Class<?>, Object> byType = new ConcurrentHashMap<>();

    /** The shared instance of {@code type}, made by {@code factory} the first time it is asked for. */
    public <T> T get(Class<T> type, Supplier<? extends T> factory) {
        return type.cast(byType.computeIfAbsent(type, t -> factory.get()));
    }
}
