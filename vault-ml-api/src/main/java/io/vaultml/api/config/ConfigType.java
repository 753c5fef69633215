package io.vaultml.api.config;

/** The value types a {@link ConfigKey} can have, with how their text is parsed. */
public enum ConfigType {
    /** Any text. */
    STRING,
    /** A 32-bit integer. */
    INT,
    /** A 64-bit integer. */
    LONG,
    /** A decimal number. */
    DOUBLE,
    /** {@code true} or {@code false} in any case ({@code "True"} appears in Kerberos deployments). */
    BOOLEAN,
    /** Comma-separated items, trimmed, empty items dropped. */
    LIST,
    /** Text that is never shown: parsed into an {@link io.vaultml.api.Secret}. */
    SECRET,
    /** A duration: {@code 30s}, {@code 500ms}, {@code 5m}, {@code 1h}, or ISO-8601 {@code PT30S}. */
    DURATION
}
