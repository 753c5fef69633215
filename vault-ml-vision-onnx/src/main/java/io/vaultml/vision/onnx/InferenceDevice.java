package io.vaultml.vision.onnx;

import java.util.Locale;

/** Where ONNX Runtime runs the model. */
public enum InferenceDevice {
    /** CUDA when the CUDA execution provider loads, else the CPU with a warning. */
    AUTO,
    /** The CPU execution provider. */
    CPU,
    /** The CUDA execution provider, or fail at startup. Needs the onnxruntime_gpu artifact, CUDA 12 and cuDNN 9. */
    CUDA;

    public static InferenceDevice parse(String text) {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
    }
}
