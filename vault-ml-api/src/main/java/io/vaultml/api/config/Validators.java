package io.vaultml.api.config;

import java.net.URI;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** The validators keys commonly need. Each one's {@code toString()} reads well in documentation. */
public final class Validators {
    private Validators() {
    }

    public static <N extends Number & Comparable<N>> Validator<N> atLeast(N min) {
        return describe(v -> v.compareTo(min) >= 0 ? null : "must be at least " + min, ">= " + min);
    }

    public static <N extends Number & Comparable<N>> Validator<N> between(N min, N max) {
        return describe(v -> v.compareTo(min) >= 0 && v.compareTo(max) <= 0 ? null
                : "must be between " + min + " and " + max, "[" + min + ", " + max + "]");
    }

    /** One of the given words, compared without case. */
    public static Validator<String> oneOf(String... allowed) {
        List<String> upper = Arrays.stream(allowed).map(s -> s.toUpperCase(Locale.ROOT)).toList();
        return describe(v -> upper.contains(v.toUpperCase(Locale.ROOT)) ? null
                : "must be one of " + String.join(", ", allowed), "one of " + String.join(", ", allowed));
    }

    /** Every list item is one of the given words, compared without case. */
    public static Validator<List<String>> eachOneOf(Collection<String> allowed) {
        List<String> upper = allowed.stream().map(s -> s.toUpperCase(Locale.ROOT)).toList();
        return describe(v -> v.stream().filter(i -> !upper.contains(i.toUpperCase(Locale.ROOT))).findFirst()
                .map(bad -> "'" + bad + "' is not one of " + String.join(", ", allowed)).orElse(null),
                "each one of " + String.join(", ", allowed));
    }

    public static Validator<String> nonBlank() {
        return describe(v -> v.isBlank() ? "must not be blank" : null, "non-blank");
    }

    /** An absolute http or https URL. */
    public static Validator<String> httpUrl() {
        return describe(v -> {
            try {
                URI uri = new URI(v);
                String scheme = uri.getScheme();
                if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                        || uri.getHost() == null) {
                    return "must be an http(s) URL with a host";
                }
                return null;
            } catch (Exception e) {
                return "is not a valid URL";
            }
        }, "http(s) URL");
    }

    /** Wraps a check with a description for the docs. */
    public static <T> Validator<T> describe(Validator<T> check, String description) {
        return new Validator<>() {
            @Override
            public String check(T value) {
                return check.check(value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }
}
