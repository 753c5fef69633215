package io.vaultml.api.config;

import io.vaultml.api.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One declared setting: name, type, default, validator, documentation and whether its value is secret.
 * Build with the typed factories, e.g. {@code ConfigKey.integer("NUMBER_OF_PREDICTIONS").defaultValue(5)...}.
 *
 * @param <T> the parsed value type
 */
public final class ConfigKey<T> {
    private final String name;
    private final ConfigType type;
    private final T defaultValue;
    private final boolean required;
    private final Validator<? super T> validator;
    private final String doc;
    private final String group;

    private ConfigKey(Builder<T> b) {
        this.name = b.name;
        this.type = b.type;
        this.defaultValue = b.defaultValue;
        this.required = b.required;
        this.validator = b.validator;
        this.doc = b.doc;
        this.group = b.group;
    }

    public static Builder<String> string(String name) {
        return new Builder<>(name, ConfigType.STRING);
    }

    public static Builder<Integer> integer(String name) {
        return new Builder<>(name, ConfigType.INT);
    }

    public static Builder<Long> longKey(String name) {
        return new Builder<>(name, ConfigType.LONG);
    }

    public static Builder<Double> decimal(String name) {
        return new Builder<>(name, ConfigType.DOUBLE);
    }

    public static Builder<Boolean> bool(String name) {
        return new Builder<>(name, ConfigType.BOOLEAN);
    }

    public static Builder<List<String>> list(String name) {
        return new Builder<>(name, ConfigType.LIST);
    }

    public static Builder<Secret> secret(String name) {
        return new Builder<>(name, ConfigType.SECRET);
    }

    public static Builder<Duration> duration(String name) {
        return new Builder<>(name, ConfigType.DURATION);
    }

    public String name() {
        return name;
    }

    public ConfigType type() {
        return type;
    }

    /** The default, or null when there is none (then the key is required or optional). */
    public T defaultValue() {
        return defaultValue;
    }

    public boolean required() {
        return required;
    }

    public boolean secret() {
        return type == ConfigType.SECRET;
    }

    public Validator<? super T> validator() {
        return validator;
    }

    public String doc() {
        return doc;
    }

    /** Section of the reference page this key is listed under. */
    public String group() {
        return group;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a {@link ConfigKey}. */
    public static final class Builder<T> {
        private final String name;
        private final ConfigType type;
        private T defaultValue;
        private boolean required;
        private Validator<? super T> validator;
        private String doc = "";
        private String group = "General";

        private Builder(String name, ConfigType type) {
            this.name = Objects.requireNonNull(name, "name");
            this.type = type;
            if (name.isBlank()) {
                throw new IllegalArgumentException("config key name must not be blank");
            }
        }

        public Builder<T> defaultValue(T value) {
            this.defaultValue = Objects.requireNonNull(value, "default value of " + name);
            return this;
        }

        /** Startup fails when the key is not set. */
        public Builder<T> required() {
            this.required = true;
            return this;
        }

        public Builder<T> validator(Validator<? super T> validator) {
            this.validator = Objects.requireNonNull(validator, "validator");
            return this;
        }

        public Builder<T> doc(String doc) {
            this.doc = Objects.requireNonNull(doc, "doc");
            return this;
        }

        public Builder<T> group(String group) {
            this.group = Objects.requireNonNull(group, "group");
            return this;
        }

        public ConfigKey<T> build() {
            if (required && defaultValue != null) {
                throw new IllegalStateException(name + " cannot be both required and have a default");
            }
            if (defaultValue != null && validator != null && validator.check(defaultValue) != null) {
                throw new IllegalStateException(
                        "default of " + name + " is invalid: " + validator.check(defaultValue));
            }
            return new ConfigKey<>(this);
        }
    }
}
