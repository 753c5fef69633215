package io.vaultml.api.config;

/**
 * Checks a parsed value. Its {@code toString()} describes what is valid; it appears in the generated reference.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Validator<T> {

    /** Returns null when {@code value} is fine, otherwise what is wrong ("must be at least 1"). */
    String check(T value);
}
