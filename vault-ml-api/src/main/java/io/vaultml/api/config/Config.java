package io.vaultml.api.config;

import io.vaultml.api.Secret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/** Validated settings, parsed by {@link ConfigDef#parse}. Immutable. */
public final class Config {
    private final ConfigDef definition;
    private final Map<String, Object> values;
    private final Set<String> explicitlySet;

    Config(ConfigDef definition, Map<String, Object> values, Set<String> explicitlySet) {
        this.definition = definition;
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        this.explicitlySet = Set.copyOf(explicitlySet);
    }

    /** The value of a key that has a default or is required. */
    public <T> T get(ConfigKey<T> key) {
        return find(key).orElseThrow(() -> new NoSuchElementException(key.name() + " is not set"));
    }

    /** The value of an optional key, empty when it is not set and has no default. */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(ConfigKey<T> key) {
        if (!definition.contains(key)) {
            throw new IllegalArgumentException(key.name() + " is not declared in this configuration");
        }
        return Optional.ofNullable((T) values.get(key.name()));
    }

    /** Whether the source set this key (as opposed to its default applying). */
    public boolean isSet(ConfigKey<?> key) {
        return explicitlySet.contains(key.name());
    }

    public ConfigDef definition() {
        return definition;
    }

    /**
     * The effective configuration, one {@code NAME=value} line per key that has a value, secrets masked and
     * defaults marked. Safe to log.
     */
    public List<String> describe() {
        return describe(definition);
    }

    /**
     * {@link #describe()} for the keys of {@code used} alone: what one run reads (the selected transport's and
     * detector's settings, not every plugin's on the class path).
     */
    public List<String> describe(ConfigDef used) {
        List<String> lines = new ArrayList<>();
        for (ConfigKey<?> key : used.keys()) {
            if (!definition.contains(key)) {
                continue;
            }
            Object value = values.get(key.name());
            if (value == null) {
                continue;
            }
            String shown = value instanceof Secret ? Secret.MASK
                    : value instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList())
                    : String.valueOf(value);
            lines.add(key.name() + "=" + shown + (explicitlySet.contains(key.name()) ? "" : " (default)"));
        }
        return lines;
    }

    /** Names the source set explicitly that {@code used} does not read: settings of a plugin not selected. */
    public List<String> setButUnused(ConfigDef used) {
        Set<String> read = new java.util.HashSet<>();
        used.keys().forEach(k -> read.add(k.name()));
        return explicitlySet.stream().filter(n -> !read.contains(n)).sorted().toList();
    }

    @Override
    public String toString() {
        return "Config" + describe();
    }
}
