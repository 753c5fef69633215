package io.vaultml.api;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A password, key or token. {@link #toString()} never shows the value, so a secret can sit in a record, a log
 * argument or an exception message without leaking; only {@link #reveal()} returns it, at the one place that
 * sends it (an HTTP header, a JAAS line).
 */
public final class Secret {
    /** What every secret prints as. */
    public static final String MASK = "[hidden]";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret itself. Call it only where the value leaves the process, never to log or format it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public String toString() {
        return MASK;
    }

    @Override
    public boolean equals(Object other) {
        // Constant-time comparison: secrets are compared when checking signatures.
        return other instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return 0x5ec; // do not derive anything from the value
    }
}
