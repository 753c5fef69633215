package io.vaultml.api;

import java.util.Objects;

/**
 * What a detector is, for logs, result provenance headers and metrics.
 *
 * @param provider the provider name it was created by, e.g. {@code onnx-yolo}
 * @param model the model it runs, e.g. {@code yolov8n_int8.onnx}, or the algorithm for built-in ones
 * @param device where it runs, e.g. {@code cpu}, {@code cuda:0}
 */
public record DetectorInfo(String provider, String model, String device) {

    public DetectorInfo {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(device, "device");
    }
}
