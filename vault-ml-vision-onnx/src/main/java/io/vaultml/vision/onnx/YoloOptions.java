package io.vaultml.vision.onnx;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of an {@link OnnxYoloDetector}.
 *
 * @param model the .onnx file
 * @param labels a class-names file (one per line), or null to use the model's metadata (then COCO-80 for
 *     80-class models without names)
 * @param confidence minimum score of a detection
 * @param iou class-wise non-maximum suppression threshold
 * @param allowedClasses class names or numeric ids to keep; empty keeps all
 * @param inputSize model input side for models with a dynamic input size; ignored when the model fixes it
 * @param device where inference runs
 * @param deviceId CUDA device index
 * @param threads ONNX Runtime intra-op threads, 0 = its default
 * @param batchSize frames per inference when the model has a dynamic batch dimension; 0 = 8 on CUDA, 1 on the CPU
 * @param layout output layout, or null to recognise it from the model
 */
public record YoloOptions(Path model, Path labels, float confidence, float iou, List<String> allowedClasses,
        int inputSize, InferenceDevice device, int deviceId, int threads, int batchSize, OutputLayout layout) {

    public YoloOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
        allowedClasses = List.copyOf(allowedClasses);
        if (!(confidence >= 0 && confidence <= 1) || !(iou > 0 && iou <= 1) || inputSize < 32 || deviceId < 0
                || threads < 0 || batchSize < 0) {
            throw new IllegalArgumentException("invalid YOLO options");
        }
    }

    public static YoloOptions of(Path model) {
        return new YoloOptions(model, null, 0.25f, 0.45f, List.of(), 640, InferenceDevice.CPU, 0, 0, 0, null);
    }

    public YoloOptions withLabels(Path file) {
        return new YoloOptions(model, file, confidence, iou, allowedClasses, inputSize, device, deviceId, threads,
                batchSize, layout);
    }

    public YoloOptions withConfidence(float c) {
        return new YoloOptions(model, labels, c, iou, allowedClasses, inputSize, device, deviceId, threads,
                batchSize, layout);
    }

    public YoloOptions withAllowedClasses(List<String> classes) {
        return new YoloOptions(model, labels, confidence, iou, classes, inputSize, device, deviceId, threads,
                batchSize, layout);
    }

    public YoloOptions withDevice(InferenceDevice d) {
        return new YoloOptions(model, labels, confidence, iou, allowedClasses, inputSize, d, deviceId, threads,
                batchSize, layout);
    }

    public YoloOptions withBatchSize(int frames) {
        return new YoloOptions(model, labels, confidence, iou, allowedClasses, inputSize, device, deviceId, threads,
                frames, layout);
    }
}
