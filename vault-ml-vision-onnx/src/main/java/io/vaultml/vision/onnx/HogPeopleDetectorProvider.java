package io.vaultml.vision.onnx;

import io.vaultml.api.Detector;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.DetectorProvider;

/** {@code hog}: the built-in people detector, the fallback when no model is configured. */
public final class HogPeopleDetectorProvider implements DetectorProvider {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HogPeopleDetectorProvider.class);

    @Override
    public String name() {
        return "hog";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public io.vaultml.api.spi.Availability availability(Config config) {
        return OpenCv.available() ? io.vaultml.api.spi.Availability.ok()
                : io.vaultml.api.spi.Availability.unavailable("needs OpenCV (org.openpnp:opencv) on the class path");
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().define(VisionConfig.CLASSIFICATION_THRESHOLD, VisionConfig.FIND_DOMINANT_COLORS);
    }

    @Override
    public Detector create(Config config) {
        log.warn("No model configured (MODEL_PATH): using the built-in HOG people detector, a fallback for trying "
                + "vault-ml out; set MODEL_PATH to a YOLO .onnx model for real use");
        return ColorFindingDetector.asConfigured(
                new HogPeopleDetector(config.get(VisionConfig.CLASSIFICATION_THRESHOLD).floatValue()), config);
    }
}
