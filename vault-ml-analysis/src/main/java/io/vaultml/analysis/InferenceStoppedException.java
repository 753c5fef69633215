package io.vaultml.analysis;

/**
 * The inference thread of a {@link SharedDetector} is gone (an {@link Error} escaped the detector): no recording
 * can be analysed any more. Not one recording's fault; the worker stops with exit 1 so that it is restarted.
 */
public final class InferenceStoppedException extends io.vaultml.api.VaultMlException {
    private static final long serialVersionUID = 1L;

    InferenceStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
