package io.vaultml.api;

import java.util.List;

/**
 * A setting is missing, malformed or inconsistent, or no usable provider could be selected. The worker cannot
 * start; it exits non-zero with one line per {@link #problems() problem}.
 */
public class ConfigException extends VaultMlException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** One problem, found through {@code cause} (kept for the stack trace; the message says what to change). */
    public ConfigException(String problem, Throwable cause) {
        super(problem, cause);
        this.problems = List.of(problem);
    }

    public ConfigException(List<String> problems) {
        super(format(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Throws a ConfigException listing {@code problems} unless there are none (the end of a validation). */
    public static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Every problem found, one line each, in declaration order. */
    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        if (problems.size() == 1) {
            return problems.get(0);
        }
        return problems.size() + " configuration problems:\n  " + String.join("\n  ", problems);
    }
}
