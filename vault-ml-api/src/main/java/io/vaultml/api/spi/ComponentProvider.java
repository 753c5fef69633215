package io.vaultml.api.spi;

import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;

/**
 * A factory of one kind of pipeline component, found through {@link java.util.ServiceLoader}.
 *
 * <p>Implementations have a public no-argument constructor that does no I/O. {@link #availability(Config)} is a cheap
 * probe (is the native runtime loadable? is a model configured?); {@link #create} does the heavy work.
 *
 * @param <T> the component type
 */
public interface ComponentProvider<T> {

    /** Stable name users select it by, lower-case with dashes, e.g. {@code onnx-yolo}. */
    String name();

    /** When nothing is named, the available provider with the highest priority wins. */
    default int priority() {
        return 0;
    }

    /** Whether this provider can be used here. Cheap; called during selection. */
    default Availability availability(Config config) {
        return Availability.ok();
    }

    /** The keys {@link #create} reads. They are merged into the worker's configuration and documented. */
    default ConfigDef configDef() {
        return new ConfigDef();
    }

    /**
     * Every problem these settings have for this provider, one sentence each, found without any I/O (no network,
     * no model loading). The worker collects the problems of every selected provider and reports them all at
     * once, before it connects anywhere or loads a model.
     */
    default java.util.List<String> validate(Config config) {
        return java.util.List.of();
    }

    /**
     * Builds the component.
     *
     * @param config parsed settings containing at least {@link #configDef()}'s keys
     * @throws io.vaultml.api.ConfigException when the settings cannot work (model missing, CUDA requested but
     *     unusable)
     */
    T create(Config config);
}
