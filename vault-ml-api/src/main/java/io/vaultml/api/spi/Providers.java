package io.vaultml.api.spi;

import io.vaultml.api.ProviderNotFoundException;
import io.vaultml.api.config.Config;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The providers of one kind found on the class path, and the rule that picks one:
 * <ol>
 *   <li>an explicitly named provider wins; an unknown name is an error that lists the known ones;</li>
 *   <li>otherwise the available provider with the highest {@link ComponentProvider#priority() priority} (ties
 *       broken by name, so the choice never depends on class-path order);</li>
 *   <li>otherwise startup fails with every candidate and why it was not usable.</li>
 * </ol>
 * Two providers with the same name are an error. A provider jar that fails to load is reported in
 * {@link #loadErrors()} and skipped, so one broken plugin does not break discovery.
 *
 * @param <P> the provider type
 */
public final class Providers<P extends ComponentProvider<?>> {
    private final String kind;
    private final List<P> providers;
    private final List<String> loadErrors;

    private Providers(String kind, List<P> providers, List<String> loadErrors) {
        this.kind = kind;
        this.providers = List.copyOf(providers);
        this.loadErrors = List.copyOf(loadErrors);
    }

    /** Discovers providers with the class loader that loaded {@code type}. */
    public static <P extends ComponentProvider<?>> Providers<P> load(Class<P> type) {
        return load(type, type.getClassLoader());
    }

    public static <P extends ComponentProvider<?>> Providers<P> load(Class<P> type, ClassLoader loader) {
        List<P> found = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Iterator<P> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                errors.add(type.getSimpleName() + " could not be loaded: " + e.getMessage());
            }
        }
        return new Providers<>(kindOf(type), found, errors);
    }

    /**
     * The worker's way to a component, in one call for applications: the providers of {@code type} on the class
     * path, {@code settings} parsed against all their keys (the names the worker reads, e.g. {@code MODEL_PATH}),
     * the one named {@code wanted} (or, for null, the usable one of highest priority) selected, its
     * {@link ComponentProvider#validate validation} passed, then built. For example
     * {@code Detector d = Providers.create(DetectorProvider.class, "onnx-yolo", ConfigSource.of(Map.of("MODEL_PATH",
     * "yolov8n.onnx")))}.
     *
     * @throws io.vaultml.api.ConfigException listing every problem of the settings for that provider, or naming
     *     the providers there are when none fits
     */
    public static <T, P extends ComponentProvider<T>> T create(Class<P> type, String wanted,
            io.vaultml.api.config.ConfigSource settings) {
        return create(load(type), wanted, settings);
    }

    /** {@link #create(Class, String, io.vaultml.api.config.ConfigSource)} over a given set. */
    static <T, P extends ComponentProvider<T>> T create(Providers<P> found, String wanted,
            io.vaultml.api.config.ConfigSource settings) {
        io.vaultml.api.config.ConfigDef keys = new io.vaultml.api.config.ConfigDef();
        found.providers.forEach(p -> keys.include(p.configDef()));
        Config config = keys.parse(settings);
        P chosen = found.select(wanted, config);
        io.vaultml.api.ConfigException.throwIfAny(chosen.validate(config));
        return chosen.create(config);
    }

    /** A fixed set, for tests and for code that assembles providers by hand. */
    public static <P extends ComponentProvider<?>> Providers<P> of(Class<P> type, List<P> providers) {
        return new Providers<>(kindOf(type), providers, List.of());
    }

    private static String kindOf(Class<?> type) {
        return type.getSimpleName().replace("Provider", "").replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
    }

    public List<P> all() {
        return providers;
    }

    /** Problems met while loading (broken jars), for the startup log. */
    public List<String> loadErrors() {
        return loadErrors;
    }

    public List<String> names() {
        return providers.stream().map(ComponentProvider::name).sorted().toList();
    }

    /**
     * Picks a provider.
     *
     * @param wanted the configured name, or null/blank to pick by priority
     * @param config passed to each candidate's availability probe
     * @throws ProviderNotFoundException when nothing can be selected; the message lists what was tried
     */
    public P select(String wanted, Config config) {
        Map<String, List<P>> byName = providers.stream()
                .collect(Collectors.groupingBy(ComponentProvider::name, LinkedHashMap::new, Collectors.toList()));
        List<String> duplicates = byName.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " (" + e.getValue().stream().map(p -> p.getClass().getName())
                        .collect(Collectors.joining(", ")) + ")")
                .toList();
        if (!duplicates.isEmpty()) {
            throw new ProviderNotFoundException("Several " + kind + " providers share a name: "
                    + String.join("; ", duplicates) + ". Remove one of the jars.");
        }
        if (wanted != null && !wanted.isBlank()) {
            List<P> named = byName.get(wanted.trim());
            if (named == null) {
                throw new ProviderNotFoundException("No " + kind + " provider named '" + wanted.trim()
                        + "'. Available: " + describe(names()) + loadErrorSuffix());
            }
            P provider = named.get(0);
            Availability availability = provider.availability(config);
            if (!availability.usable()) {
                throw new ProviderNotFoundException(
                        kind + " provider '" + wanted.trim() + "' is not usable: " + availability.reason());
            }
            return provider;
        }
        List<String> tried = new ArrayList<>();
        List<P> ordered = providers.stream()
                .sorted(Comparator.comparingInt((P p) -> p.priority()).reversed()
                        .thenComparing(ComponentProvider::name))
                .toList();
        for (P provider : ordered) {
            Availability availability = provider.availability(config);
            if (availability.usable()) {
                return provider;
            }
            tried.add(provider.name() + " (priority " + provider.priority() + "): " + availability.reason());
        }
        throw new ProviderNotFoundException("No usable " + kind + " provider. Tried: "
                + (tried.isEmpty() ? "none found on the class path" : String.join("; ", tried)) + loadErrorSuffix());
    }

    private String loadErrorSuffix() {
        return loadErrors.isEmpty() ? "" : ". Failed to load: " + String.join("; ", loadErrors);
    }

    private static String describe(List<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
