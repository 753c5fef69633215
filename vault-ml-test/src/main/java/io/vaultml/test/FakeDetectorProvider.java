package io.vaultml.test;

import io.vaultml.api.Detector;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import io.vaultml.api.spi.DetectorProvider;

/**
 * Registers {@link FakeDetector} as {@code fake}. Its priority is the lowest of all, so it is only used when
 * named ({@code DETECTOR=fake}).
 */
public final class FakeDetectorProvider implements DetectorProvider {
    public static final ConfigKey<String> LABEL = ConfigKey.string("FAKE_DETECTOR_LABEL").defaultValue("object")
            .validator(Validators.nonBlank()).doc("Label the fake detector gives bright regions.")
            .group("Fake detector (tests)").build();
    public static final ConfigKey<java.time.Duration> DELAY = ConfigKey.duration("FAKE_DETECTOR_DELAY")
            .defaultValue(java.time.Duration.ZERO).doc("Time each frame takes, standing in for a model of fixed "
                    + "latency (a GPU), so that a test's throughput is not bound by the CPU.")
            .group("Fake detector (tests)").build();

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public int priority() {
        return Integer.MIN_VALUE;
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().define(LABEL, DELAY);
    }

    @Override
    public Detector create(Config config) {
        return new FakeDetector(config.get(LABEL), 200, config.get(DELAY));
    }
}
