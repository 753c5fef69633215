package io.vaultml.vision.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.vaultml.api.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens an ONNX Runtime session on the device the options ask for: CUDA when {@code DEVICE} is {@code cuda} or
 * {@code auto} and the CUDA execution provider loads ({@code cuda} fails without it; {@code auto} runs on the CPU and
 * says so in one line: at INFO on the CPU build, which has no CUDA, as a warning with the reason on the CUDA build),
 * all graph optimisations, {@code INFERENCE_THREADS} intra-op threads.
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
            boolean cudaBuild = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
            if (options.device() == InferenceDevice.AUTO && !cudaBuild) {
                // Expected on the CPU build: one quiet line, not a warning.
                log.info("Running {} on the CPU: this build of ONNX Runtime has no CUDA (the GPU image has it)",
                        options.model().getFileName());
            } else if (options.device() != InferenceDevice.CPU) {
                try {
                    so.addCUDA(options.deviceId());
                    chosenDevice = "cuda:" + options.deviceId();
                } catch (OrtException | RuntimeException e) {
                    if (options.device() == InferenceDevice.CUDA) {
                        throw new ConfigException("DEVICE=cuda but the CUDA execution provider cannot be used: "
                                + why(e) + " (the GPU image uses onnxruntime_gpu with CUDA 12 and cuDNN 9; "
                                + "DEVICE=auto runs on the CPU instead)", e);
                    }
                    log.warn("Running {} on the CPU: the CUDA execution provider cannot be used ({})",
                            options.model().getFileName(), why(e));
                }
            }
            return new Opened(env.createSession(options.model().toString(), so), chosenDevice);
        } finally {
            so.close();
        }
    }

    /**
     * ONNX Runtime's reason on one line, at most 300 characters: a missing CUDA library comes back as a loader
     * message that can span lines, and an operator reads the first line of a log entry.
     */
    static String why(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String line = message.replaceAll("\\s+", " ").strip();
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }
}
