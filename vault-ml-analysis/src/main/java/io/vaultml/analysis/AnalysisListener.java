package io.vaultml.analysis;

/**
 * Told what a {@link RecordingAnalyzer} measured, for metrics. Called from the analysing threads (and
 * {@link #inferenceBatch} from the inference thread): implementations must be thread-safe and quick.
 */
public interface AnalysisListener {
    /** Does nothing. */
    AnalysisListener NONE = new AnalysisListener() {
    };

    /** One recording spent {@code nanos} in {@code stage}: {@code fetch}, {@code decode}, {@code detect} or {@code track}. */
    default void stage(String stage, long nanos) {
    }

    /** One recording had {@code count} frames analysed. */
    default void frames(int count) {
    }

    /**
     * A recording was truncated: the frames before the damage were analysed.
     *
     * @param summary what was found, e.g. {@code truncated: 90 of 240 frames decodable}
     */
    default void truncated(String recordingKey, String summary) {
    }

    /** One inference (of one or several frames) took {@code nanos}. */
    default void inferenceBatch(long nanos) {
    }
}
