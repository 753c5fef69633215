package com.example.detector;

import io.vaultml.api.Detector;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import io.vaultml.api.spi.DetectorProvider;

/** Registered in META-INF/services; the worker picks it with DETECTOR=red-object. */
public final class RedObjectDetectorProvider implements DetectorProvider {
    /** The plugin's own setting: it is validated, documented and logged like the worker's. */
    public static final ConfigKey<Integer> MIN_PIXELS = ConfigKey.integer("RED_OBJECT_MIN_PIXELS").defaultValue(50)
            .validator(Validators.atLeast(1)).group("Red object detector (example plugin)")
            .doc("Fewest red pixels that make an object.").build();

    @Override
    public String name() {
        return "red-object";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().define(MIN_PIXELS);
    }

    @Override
    public Detector create(Config config) {
        return new RedObjectDetector(config.get(MIN_PIXELS));
    }
}
