package io.vaultml.vision.onnx;

import io.vaultml.api.Detector;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.DetectorProvider;

/** {@code hog}: the built-in people detector, the fallback when no model is configured. */
public final class HogPeopleDetectorProvider implements DetectorProvider {

    @Override
    public String name() {
        return "hog";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().define(VisionConfig.CLASSIFICATION_THRESHOLD);
    }

    @Override
    public Detector create(Config config) {
        return new HogPeopleDetector(config.get(VisionConfig.CLASSIFICATION_THRESHOLD).floatValue());
    }
}
