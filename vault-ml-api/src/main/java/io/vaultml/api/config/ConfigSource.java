package io.vaultml.api.config;

import java.util.Map;
import java.util.Set;

/** Where setting values come from: the environment in production, a map in tests. */
@FunctionalInterface
public interface ConfigSource {

    /** The raw value for {@code name}, or null when it is not set. */
    String get(String name);

    /** Every name this source holds, for warnings about unknown or misspelt names; empty when not enumerable. */
    default Set<String> names() {
        return Set.of();
    }

    static ConfigSource environment() {
        return of(System.getenv());
    }

    static ConfigSource of(Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new ConfigSource() {
            @Override
            public String get(String name) {
                return copy.get(name);
            }

            @Override
            public Set<String> names() {
                return copy.keySet();
            }
        };
    }
}
