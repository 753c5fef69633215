package io.vaultml.worker;

import io.vaultml.api.config.Config;
import io.vaultml.video.VideoConfig;
import io.vaultml.vision.onnx.VisionConfig;

/**
 * How the worker shares the cores between decoding and inference, so that they overlap instead of fighting: up
 * to {@code CONCURRENCY} recordings decode at once, each with its share of the cores for FFmpeg's threads (a
 * keyframe-only decode uses one), while one inference thread feeds the detector, whose runtime gets every core
 * for its operators (it is idle while decoding runs and the other way round, mostly). Explicit settings win.
 *
 * @param cores the processors the JVM may use (the container's CPU limit in Kubernetes)
 * @param recordings {@code CONCURRENCY}
 * @param decoderThreads FFmpeg threads per recording decoding runs of frames
 * @param inferenceThreads ONNX Runtime intra-op threads, 0 = its own choice (one per core)
 */
record ThreadBudget(int cores, int recordings, int decoderThreads, int inferenceThreads) {

    static ThreadBudget of(Config config, int cores) {
        int recordings = config.get(WorkerSettings.CONCURRENCY);
        int decoder = config.get(VideoConfig.DECODER_THREADS);
        return new ThreadBudget(cores, recordings, decoder > 0 ? decoder : Math.max(1, cores / recordings),
                config.get(VisionConfig.INFERENCE_THREADS));
    }

    String describe() {
        return cores + " cores: " + recordings + " recordings at once (CONCURRENCY), each decoding on "
                + decoderThreads + " FFmpeg thread(s) (DECODER_THREADS; keyframes alone on one), one inference "
                + "thread with " + (inferenceThreads > 0 ? inferenceThreads : cores)
                + " ONNX Runtime threads (INFERENCE_THREADS)";
    }
}
