package io.vaultml.vision.onnx;

/**
 * Time an {@link OnnxYoloDetector} spent per step, cumulative since it opened: an immutable snapshot. Subtract an
 * earlier snapshot ({@link #since}) for the time of an interval.
 *
 * @param frames frames inferred
 * @param runs inferences (a batch is one)
 */
public record Timings(long frames, long runs, long preprocessNanos, long inferenceNanos, long postprocessNanos) {

    /** What happened between {@code earlier} and this snapshot. */
    public Timings since(Timings earlier) {
        return new Timings(frames - earlier.frames, runs - earlier.runs, preprocessNanos - earlier.preprocessNanos,
                inferenceNanos - earlier.inferenceNanos, postprocessNanos - earlier.postprocessNanos);
    }

    public double preprocessMillisPerFrame() {
        return frames == 0 ? 0 : preprocessNanos / 1e6 / frames;
    }

    public double inferenceMillisPerFrame() {
        return frames == 0 ? 0 : inferenceNanos / 1e6 / frames;
    }

    public double postprocessMillisPerFrame() {
        return frames == 0 ? 0 : postprocessNanos / 1e6 / frames;
    }

    public double inferenceMillisTotal() {
        return inferenceNanos / 1e6;
    }
}
