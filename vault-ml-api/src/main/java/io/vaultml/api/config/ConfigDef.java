package io.vaultml.api.config;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Secret;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of declared keys: parses and validates a {@link ConfigSource} into a {@link Config}, reporting every
 * problem at once, and renders the reference documentation. Keys keep their declaration order.
 */
public final class ConfigDef {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    private boolean frozen;

    public ConfigDef() {
    }

    /**
     * Makes this definition read-only and returns it: for the {@code static final} declarations modules share, so
     * that no caller can add keys to another module's set. {@link #include} copies a frozen set's keys as usual.
     */
    public ConfigDef frozen() {
        frozen = true;
        return this;
    }

    /** Adds keys. A second key with an existing name is a programming error. */
    public ConfigDef define(ConfigKey<?>... added) {
        if (frozen) {
            throw new UnsupportedOperationException("this configuration definition is shared and read-only; "
                    + "include it in a new ConfigDef instead");
        }
        for (ConfigKey<?> key : added) {
            ConfigKey<?> old = keys.putIfAbsent(key.name(), key);
            if (old != null && old != key) {
                throw new IllegalArgumentException("config key " + key.name() + " is declared twice");
            }
        }
        return this;
    }

    /** Adds every key of {@code other} (the same key object may appear in both). */
    public ConfigDef include(ConfigDef other) {
        other.keys.values().forEach(this::define);
        return this;
    }

    public List<ConfigKey<?>> keys() {
        return List.copyOf(keys.values());
    }

    public boolean contains(ConfigKey<?> key) {
        return keys.get(key.name()) == key;
    }

    /**
     * Reads every key from {@code source}. Blank values count as unset (a container spec often sets
     * {@code VAR=""}).
     *
     * @throws ConfigException listing every problem, one line each, naming the key and the bad value (secret
     *     values are never shown)
     */
    public Config parse(ConfigSource source) {
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> set = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (ConfigKey<?> key : keys.values()) {
            String raw = source.get(key.name());
            if (raw == null || raw.isBlank()) {
                if (key.required()) {
                    problems.add(key.name() + " is required: " + key.doc());
                } else if (key.defaultValue() != null) {
                    values.put(key.name(), key.defaultValue());
                }
                continue;
            }
            String problem = parseInto(key, raw.trim(), values);
            if (problem != null) {
                String shown = key.secret() ? Secret.MASK : "'" + raw + "'";
                problems.add("Invalid value " + shown + " for " + key.name() + ": " + problem);
            } else {
                set.add(key.name());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Config(this, values, set);
    }

    private static <T> String parseInto(ConfigKey<T> key, String raw, Map<String, Object> values) {
        T value;
        try {
            value = parseValue(key, raw);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (key.validator() != null) {
            String problem = key.validator().check(value);
            if (problem != null) {
                return problem;
            }
        }
        values.put(key.name(), value);
        return null;
    }

    @SuppressWarnings("unchecked")
    private static <T> T parseValue(ConfigKey<T> key, String raw) {
        Object value = switch (key.type()) {
            case STRING -> raw;
            case SECRET -> Secret.of(raw);
            case INT -> parseNumber(raw, Integer::valueOf, "an integer");
            case LONG -> parseNumber(raw, Long::valueOf, "an integer");
            case DOUBLE -> {
                Double d = parseNumber(raw, Double::valueOf, "a number");
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("must be a finite number");
                }
                yield d;
            }
            case BOOLEAN -> parseBoolean(raw);
            case LIST -> Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            case DURATION -> parseDuration(raw);
        };
        return (T) value;
    }

    private static <N> N parseNumber(String raw, java.util.function.Function<String, N> parser, String what) {
        try {
            return parser.apply(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be " + what);
        }
    }

    static Boolean parseBoolean(String raw) {
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    static Duration parseDuration(String raw) {
        Matcher m = SIMPLE_DURATION.matcher(raw.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(raw.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be a duration such as 500ms, 30s, 5m or PT30S");
        }
    }

    /**
     * Names in {@code source} that look like settings of ours but are not declared: each warning names the
     * variable and, when one is close, the declared key it was probably meant to be.
     *
     * @param looksLikeOurs which names to consider (e.g. those starting with {@code KAFKA_} or {@code VAULT_})
     */
    public List<String> unknownNames(ConfigSource source, Predicate<String> looksLikeOurs) {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(source.names())) {
            if (keys.containsKey(name) || !looksLikeOurs.test(name)) {
                continue;
            }
            String suggestion = closest(name, keys.keySet());
            warnings.add(name + " is not a vault-ml setting and is ignored"
                    + (suggestion == null ? "" : "; did you mean " + suggestion + "?"));
        }
        return warnings;
    }

    private static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = editDistance(name, candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 5) ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A Markdown reference of every key, grouped by {@link ConfigKey#group()}, in declaration order. */
    public String toMarkdown(String title, String intro) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n").append(intro).append("\n");
        Map<String, List<ConfigKey<?>>> groups = new LinkedHashMap<>();
        keys.values().forEach(k -> groups.computeIfAbsent(k.group(), g -> new ArrayList<>()).add(k));
        for (Map.Entry<String, List<ConfigKey<?>>> group : groups.entrySet()) {
            md.append("\n## ").append(group.getKey()).append("\n\n")
                    .append("| Name | Type | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|---|\n");
            for (ConfigKey<?> k : group.getValue()) {
                String def = k.required() ? "**required**" : k.defaultValue() == null ? "" : "`" + render(k) + "`";
                md.append("| `").append(k.name()).append("` | ").append(k.type().name().toLowerCase(Locale.ROOT))
                        .append(" | ").append(def).append(" | ")
                        .append(k.validator() == null ? "" : escape(String.valueOf(k.validator())))
                        .append(" | ").append(escape(k.doc())).append(k.secret() ? " Secret: never logged." : "")
                        .append(" |\n");
            }
        }
        return md.toString();
    }

    private static String render(ConfigKey<?> key) {
        Object v = key.defaultValue();
        if (v instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(v);
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    /** Keys by name, for tooling. */
    public Map<String, ConfigKey<?>> byName() {
        return new TreeMap<>(keys);
    }
}
