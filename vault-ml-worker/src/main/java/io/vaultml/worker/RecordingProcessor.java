package io.vaultml.worker;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Track;
import io.vaultml.api.Tracker;
import io.vaultml.vision.onnx.DecodeReport;
import io.vaultml.vision.onnx.FfmpegDecoder;
import io.vaultml.vision.onnx.Sampling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fetch, decode and sample, detect, track: one recording event in, one {@link AnalysisResult} out. */
final class RecordingProcessor {
    private static final Logger log = LoggerFactory.getLogger(RecordingProcessor.class);

    private final MediaFetcher fetcher;
    private final FfmpegDecoder decoder;
    private final Sampling sampling;
    private final InferenceService inference;
    private final Tracker tracker;
    private final Metrics metrics;

    RecordingProcessor(MediaFetcher fetcher, FfmpegDecoder decoder, Sampling sampling, InferenceService inference,
            Tracker tracker, Metrics metrics) {
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.sampling = sampling;
        this.inference = inference;
        this.tracker = tracker;
        this.metrics = metrics;
    }

    AnalysisResult process(RecordingEvent event) {
        long start = System.nanoTime();
        Media media = fetcher.fetch(event);
        long fetched = System.nanoTime();
        metrics.stage("fetch", fetched - start);
        List<FrameDetections> frames = new ArrayList<>();
        long[] detectNanos = {0};
        DecodeReport report = decoder.decode(media, sampling, frame -> {
            long t = System.nanoTime();
            frames.add(new FrameDetections(frame.index(), frame.timestampMicros(), inference.detect(frame)));
            detectNanos[0] += System.nanoTime() - t;
        });
        long decoded = System.nanoTime();
        metrics.stage("decode", decoded - fetched - detectNanos[0]);
        metrics.stage("detect", detectNanos[0]);
        metrics.frames(frames.size());
        if (report.truncated()) {
            log.warn("Recording {} is truncated or damaged ({}); analysed the {} frames before it", event.key(),
                    report.problem(), report.framesDelivered());
        }
        List<Track> tracks = tracker == null ? List.of() : tracker.track(frames, report.video());
        long tracked = System.nanoTime();
        metrics.stage("track", tracked - decoded);
        AnalysisResult result = new AnalysisResult(event, report.video(), frames, tracks, tracker != null,
                inference.detector().info(), Duration.ofNanos(tracked - start));
        log.info("Processed {}: {} frames ({} {}x{}), {} detections, {} tracks ({} moving) | fetch {} ms, decode {} ms, "
                        + "detect {} ms, track {} ms", event.key(), frames.size(), report.video().codec(),
                report.video().width(), report.video().height(), result.detectionCount(), tracks.size(),
                result.movingTracks().size(), ms(fetched - start), ms(decoded - fetched - detectNanos[0]),
                ms(detectNanos[0]), ms(tracked - decoded));
        return result;
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
