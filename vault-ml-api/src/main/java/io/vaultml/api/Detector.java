package io.vaultml.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds objects in frames. Created by a {@link io.vaultml.api.spi.DetectorProvider}; holds the model and
 * whatever native resources it needs until {@link #close}.
 *
 * <p><b>Threads.</b> Implementations need not be thread-safe. The analysis ({@code RecordingAnalyzer} in
 * {@code vault-ml-analysis}) calls its detector from one inference thread of its own however many threads analyse
 * recordings, so through it one detector is safe to share; code that calls a detector directly from several
 * threads must serialise the calls itself.
 *
 * <p><b>Ownership.</b> Frames belong to the caller: read the pixels during the call, never modify or retain
 * them. Returned lists belong to the caller.
 *
 * <p><b>Failures.</b> Throw {@link UnprocessableInputException} (stage {@code detect}) for a frame that can never
 * be processed, {@link RetriableException} for a transient device fault (say, a CUDA out-of-memory that may pass).
 * Any other exception fails that recording alone (the worker dead-letters it, stage {@code detect}); an
 * {@link Error} ends the inference thread, and the worker stops so that it is restarted. {@link #close} releases
 * native memory and is idempotent.
 */
public interface Detector extends AutoCloseable {

    /** What runs, for logs and provenance. */
    DetectorInfo info();

    /**
     * The labels this detector can give, as its detections name them; empty when it cannot say. Used to check
     * settings that name labels (zones) before the first recording.
     */
    default List<String> classes() {
        return List.of();
    }

    /** Detections in one frame, highest confidence first, boxes in the frame's pixels. */
    List<Detection> detect(Frame frame);

    /**
     * Detections for several frames at once, one list per frame in the same order. Detectors whose model takes a
     * batch override this to run one inference; the default runs the frames one by one.
     */
    default List<List<Detection>> detectAll(List<Frame> frames) {
        List<List<Detection>> out = new ArrayList<>(frames.size());
        for (Frame frame : frames) {
            out.add(detect(frame));
        }
        return out;
    }

    /** How many frames {@link #detectAll} handles best in one call; 1 when the model has a fixed batch of one. */
    default int preferredBatchSize() {
        return 1;
    }

    @Override
    void close();
}
