package io.vaultml.vision.onnx;

import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.nio.file.Path;
import java.util.List;

/** Settings of the detectors in this module, declared once. */
public final class VisionConfig {
    private VisionConfig() {
    }

    static final String DETECTION = "Detection";

    public static final ConfigKey<String> MODEL_PATH = ConfigKey.string("MODEL_PATH").group(DETECTION)
            .doc("ONNX YOLO model file (Ultralytics v8/v11, YOLOv5, YOLOX or NMS-included export). When unset, "
                    + "the built-in HOG people detector is used.").build();
    public static final ConfigKey<String> LABELS_PATH = ConfigKey.string("LABELS_PATH").group(DETECTION)
            .doc("Class names, one per line, for models without names metadata (COCO-80 otherwise).").build();
    public static final ConfigKey<Double> CLASSIFICATION_THRESHOLD = ConfigKey.decimal("CLASSIFICATION_THRESHOLD")
            .defaultValue(0.3).validator(Validators.between(0.0, 1.0)).group(DETECTION)
            .doc("Minimum confidence of a detection.").build();
    public static final ConfigKey<Double> NMS_THRESHOLD = ConfigKey.decimal("NMS_THRESHOLD").defaultValue(0.45)
            .validator(Validators.between(0.01, 1.0)).group(DETECTION)
            .doc("IoU above which overlapping boxes of one class are merged (non-maximum suppression).").build();
    public static final ConfigKey<List<String>> ALLOWED_CLASSIFICATIONS = ConfigKey.list("ALLOWED_CLASSIFICATIONS")
            .defaultValue(List.of()).group(DETECTION)
            .doc("Classes to keep, by COCO id (\"0, 2, 7\") or name (\"person,car\"); empty keeps all.").build();
    public static final ConfigKey<Integer> MODEL_INPUT_SIZE = ConfigKey.integer("MODEL_INPUT_SIZE").defaultValue(640)
            .validator(Validators.between(32, 4096)).group(DETECTION)
            .doc("Input side for models with a dynamic input size; models with a fixed size use theirs.").build();
    public static final ConfigKey<String> MODEL_LAYOUT = ConfigKey.string("MODEL_LAYOUT").defaultValue("auto")
            .validator(Validators.oneOf("auto", "ultralytics", "yolov5", "yolox", "nms")).group(DETECTION)
            .doc("Output layout; auto recognises it from the output shape.").build();
    public static final ConfigKey<String> DEVICE = ConfigKey.string("DEVICE").defaultValue("auto")
            .validator(Validators.oneOf("auto", "cpu", "cuda")).group(DETECTION)
            .doc("Inference device: auto uses CUDA when the GPU runtime loads, else the CPU, saying why in one line "
                    + "(at INFO on the CPU build, which has no CUDA); cuda fails at startup without it (exit 2).")
            .build();
    public static final ConfigKey<Integer> DEVICE_ID = ConfigKey.integer("DEVICE_ID").defaultValue(0)
            .validator(Validators.atLeast(0)).group(DETECTION).doc("CUDA device index.").build();
    public static final ConfigKey<Integer> INFERENCE_THREADS = ConfigKey.integer("INFERENCE_THREADS").defaultValue(0)
            .validator(Validators.atLeast(0)).group(DETECTION)
            .doc("ONNX Runtime intra-op threads; 0 lets it use every core.").build();
    public static final ConfigKey<Integer> INFERENCE_BATCH_SIZE = ConfigKey.integer("INFERENCE_BATCH_SIZE")
            .defaultValue(0).validator(Validators.between(0, 256)).group(DETECTION)
            .doc("Frames per inference for models with a dynamic batch dimension; 0 picks 8 on CUDA and 1 on the "
                    + "CPU, where batches measured no faster (and slower for dynamically quantized int8 models).")
            .build();

    public static final ConfigKey<Boolean> FIND_DOMINANT_COLORS = ConfigKey.bool("FIND_DOMINANT_COLORS")
            .defaultValue(false).group(DETECTION)
            .doc("Find each detected object's main colours (k-means on the centre of its box, 3 colours named with a "
                    + "small palette): the hub format's colorsBGR, colorsHLS, colorsStr and colorStr. The Kerberos Hub "
                    + "classifier's name; measured 0.12 to 0.27 ms per object on 2 CPU cores (bench --colors).").build();

    /** Keys of the ONNX YOLO detector. */
    public static final ConfigDef DETECTOR_CONFIG = new ConfigDef().define(MODEL_PATH, LABELS_PATH,
            CLASSIFICATION_THRESHOLD, NMS_THRESHOLD, ALLOWED_CLASSIFICATIONS, MODEL_INPUT_SIZE, MODEL_LAYOUT, DEVICE,
            DEVICE_ID, INFERENCE_THREADS, INFERENCE_BATCH_SIZE, FIND_DOMINANT_COLORS).frozen();

    public static YoloOptions yoloOptions(Config c) {
        String layout = c.get(MODEL_LAYOUT);
        return new YoloOptions(Path.of(c.get(MODEL_PATH)), c.find(LABELS_PATH).map(Path::of).orElse(null),
                c.get(CLASSIFICATION_THRESHOLD).floatValue(), c.get(NMS_THRESHOLD).floatValue(),
                c.get(ALLOWED_CLASSIFICATIONS), c.get(MODEL_INPUT_SIZE), InferenceDevice.parse(c.get(DEVICE)),
                c.get(DEVICE_ID), c.get(INFERENCE_THREADS), c.get(INFERENCE_BATCH_SIZE),
                layout.equalsIgnoreCase("auto") ? null : OutputLayout.parse(layout));
    }
}
