package io.vaultml.worker;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.Detection;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Track;
import io.vaultml.api.Tracker;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.VaultMlException;
import io.vaultml.vision.onnx.DecodeReport;
import io.vaultml.vision.onnx.FfmpegDecoder;
import io.vaultml.vision.onnx.Sampling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    private final Duration timeout;

    RecordingProcessor(MediaFetcher fetcher, FfmpegDecoder decoder, Sampling sampling, InferenceService inference,
            Tracker tracker, Metrics metrics) {
        this(fetcher, decoder, sampling, inference, tracker, metrics, Duration.ofDays(1));
    }

    /**
     * @param timeout how long one recording may take from fetch to tracks before it is given up for a retry;
     *     zero derives it per recording ({@link #timeoutFor})
     */
    RecordingProcessor(MediaFetcher fetcher, FfmpegDecoder decoder, Sampling sampling, InferenceService inference,
            Tracker tracker, Metrics metrics, Duration timeout) {
        this.timeout = timeout;
        this.fetcher = fetcher;
        this.decoder = decoder;
        this.sampling = sampling;
        this.inference = inference;
        this.tracker = tracker;
        this.metrics = metrics;
    }

    /**
     * The deadline budget of one recording: the configured timeout, or, when that is zero, 2 min plus 2 s per frame
     * the sampling may analyse plus 2 s per MiB the event declares. Generous on purpose: it bounds hangs, it does
     * not police slow hardware.
     */
    Duration timeoutFor(RecordingEvent event) {
        if (!timeout.isZero()) {
            return timeout;
        }
        int frames = sampling instanceof Sampling.Count c ? c.frames() : ((Sampling.Rate) sampling).max();
        long mib = Math.max(0, event.fileSize()) >> 20;
        return Duration.ofMinutes(2).plusSeconds(2L * frames).plusSeconds(2 * mib);
    }

    AnalysisResult process(RecordingEvent event) {
        Duration timeout = timeoutFor(event);
        long start = System.nanoTime();
        Media media = fetcher.fetch(event);
        long fetched = System.nanoTime();
        metrics.stage("fetch", fetched - start);
        long deadline = start + timeout.toNanos();
        // Frames are inferred while the decoder goes on; their detections are collected in frame order after.
        List<Submitted> submitted = new ArrayList<>();
        List<FrameDetections> frames = new ArrayList<>();
        DecodeReport report;
        long decoded;
        String stage = "decode";
        try {
            report = decoder.decode(media, sampling, frame -> submitted.add(
                    new Submitted(frame.index(), frame.timestampMicros(), inference.submit(frame, deadline))));
            decoded = System.nanoTime();
            stage = "detect";
            for (Submitted s : submitted) {
                frames.add(new FrameDetections(s.index(), s.timestampMicros(),
                        InferenceService.await(s.detections(), deadline)));
            }
        } catch (RetriableException e) {
            if (System.nanoTime() - deadline > 0) {
                throw new DeadlineExceededException("Recording " + event.key() + ": " + e.getMessage()
                        + " (RECORDING_TIMEOUT " + timeout.toSeconds() + " s)", e);
            }
            throw new RetriableException("Recording " + event.key() + ": " + e.getMessage(), e);
        } catch (VaultMlException | InferenceService.Stopped e) {
            throw e;
        } catch (RuntimeException e) {
            // A detector or decoder that throws on this recording: this recording's outcome, not the worker's.
            throw new UnprocessableInputException(stage, "Recording " + event.key() + " failed in " + stage + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        long detected = System.nanoTime();
        metrics.stage("decode", decoded - fetched);
        metrics.stage("detect", detected - decoded);
        metrics.frames(frames.size());
        if (report.truncated()) {
            metrics.truncated();
            log.warn("Recording {} is {}", event.key(), report.truncationSummary());
        }
        List<Track> tracks = tracker == null ? List.of() : tracker.track(frames, report.video());
        if (!tracks.isEmpty() && tracks.stream().allMatch(Track::unassociated)) {
            log.debug("Recording {}: its {} analysed frames are too far apart to track; each object of the busiest "
                    + "frame per label is reported once, as of interest", event.key(), frames.size());
        }
        long tracked = System.nanoTime();
        metrics.stage("track", tracked - detected);
        AnalysisResult result = new AnalysisResult(event, report.video(), frames, tracks, tracker != null,
                inference.detector().info(), Duration.ofNanos(tracked - start));
        log.info("Processed {}: {} frames ({} {}x{}), {} detections, {} tracks ({} moving) | fetch {} ms, decode {} ms, "
                        + "detect {} ms more, track {} ms", event.key(), frames.size(), report.video().codec(),
                report.video().width(), report.video().height(), result.detectionCount(), tracks.size(),
                result.movingTracks().size(), ms(fetched - start), ms(decoded - fetched),
                ms(detected - decoded), ms(tracked - detected));
        return result;
    }

    private record Submitted(long index, long timestampMicros, CompletableFuture<List<Detection>> detections) {
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
