package io.vaultml.vision.onnx;

import io.vaultml.api.Detector;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.Availability;
import io.vaultml.api.spi.DetectorProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code onnx-yolo}: a YOLO model on ONNX Runtime. Preferred whenever {@code MODEL_PATH} is set. */
public final class OnnxYoloDetectorProvider implements DetectorProvider {

    @Override
    public String name() {
        return "onnx-yolo";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability(Config config) {
        if (config == null || !config.definition().contains(VisionConfig.MODEL_PATH)) {
            return Availability.unavailable("no MODEL_PATH in the configuration");
        }
        return config.find(VisionConfig.MODEL_PATH)
                .map(p -> Files.isRegularFile(Path.of(p)) ? Availability.ok()
                        : Availability.unavailable("MODEL_PATH " + p + " is not a file"))
                .orElse(Availability.unavailable("no model configured (set MODEL_PATH)"));
    }

    @Override
    public ConfigDef configDef() {
        return VisionConfig.DETECTOR_CONFIG;
    }

    /** The files must be there and readable; whether they are a usable model is found when it loads. */
    @Override
    public java.util.List<String> validate(Config config) {
        java.util.List<String> problems = new java.util.ArrayList<>();
        config.find(VisionConfig.MODEL_PATH).filter(p -> !Files.isReadable(Path.of(p)))
                .ifPresent(p -> problems.add("MODEL_PATH " + p + " is not a readable file"));
        config.find(VisionConfig.LABELS_PATH).filter(p -> !Files.isReadable(Path.of(p)))
                .ifPresent(p -> problems.add("LABELS_PATH " + p + " is not a readable file"));
        if (config.get(VisionConfig.FIND_DOMINANT_COLORS) && !OpenCv.available()) {
            problems.add("FIND_DOMINANT_COLORS=true needs OpenCV: add org.openpnp:opencv (the version vault-ml-bom "
                    + "manages) to the application's dependencies");
        }
        return problems;
    }

    @Override
    public Detector create(Config config) {
        return ColorFindingDetector.asConfigured(OnnxYoloDetector.open(VisionConfig.yoloOptions(config)), config);
    }
}
