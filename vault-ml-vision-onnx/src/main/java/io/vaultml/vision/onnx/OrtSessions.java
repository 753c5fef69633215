package io.vaultml.vision.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vaultml.api.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an ONNX Runtime session on the device the options ask for: CUDA when {@code DEVICE} is {@code cuda} or
 * {@code auto} and the CUDA execution provider loads ({@code cuda} fails without it, {@code auto} warns and runs on
 * the CPU), all graph optimisations, {@code INFERENCE_THREADS} intra-op threads.
 */
final class OrtSessions {
    private static final Logger log = LoggerFactory.getLogger(OrtSessions.class);

    /** The session (the caller closes it) and the device it runs on: {@code cpu} or {@code cuda:<id>}. */
    record Opened(OrtSession session, String device) {
    }

    private OrtSessions() {
    }

    static Opened open(OrtEnvironment env, YoloOptions options) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        String chosenDevice = "cpu";
        try {
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.threads() > 0) {
                so.setIntraOpNumThreads(options.threads());
            }
            if (options.device() != InferenceDevice.CPU) {
                try {
                    so.addCUDA(options.deviceId());
                    chosenDevice = "cuda:" + options.deviceId();
                } catch (OrtException | RuntimeException e) {
                    if (options.device() == InferenceDevice.CUDA) {
                        throw new ConfigException("DEVICE=cuda but the CUDA execution provider cannot be used: "
                                + e.getMessage() + " (the GPU image uses onnxruntime_gpu with CUDA 12 and cuDNN 9)");
                    }
                    log.warn("CUDA execution provider unavailable ({}); running {} on the CPU",
                            e.getMessage(), options.model().getFileName());
                }
            }
            return new Opened(env.createSession(options.model().toString(), so), chosenDevice);
        } finally {
            so.close();
        }
    }
}
