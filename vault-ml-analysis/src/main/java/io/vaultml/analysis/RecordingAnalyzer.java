package io.vaultml.analysis;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.CameraZones;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.RetriableException;
import io.vaultml.api.Track;
import io.vaultml.api.Tracker;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.VaultMlException;
import io.vaultml.video.DecodeReport;
import io.vaultml.video.DecoderOptions;
import io.vaultml.video.FfmpegDecoder;
import io.vaultml.video.FrameConsumer;
import io.vaultml.video.Sampling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The analysis of one recording in one call: fetch, decode and sample, detect, track; one {@link RecordingEvent}
 * in, one {@link AnalysisResult} out. The worker, the {@code detect} command and embedding applications all use it.
 *
 * <p><b>Threads.</b> {@link #analyse} may be called from any number of threads at once. The detector runs on its
 * own thread ({@link SharedDetector}): each calling thread decodes its recording and submits frames without waiting
 * for their detections, so decoding overlaps inference and frames of concurrent recordings share batches. Run as
 * many analysing threads as decoding should use cores; the detector is never called concurrently.
 *
 * <p><b>Ownership.</b> The analyzer owns the detector it is built with and the stationary memory, and closes both
 * in {@link #close}; the fetcher and the tracker stay the caller's. Results belong to the caller.
 *
 * <p><b>Failures.</b> A recording that cannot be fetched, decoded or detected on is an
 * {@link UnprocessableInputException} naming the recording and the stage (any unexpected exception of the decoder
 * or the detector is turned into one: it is that recording's outcome); a transient fault is a
 * {@link RetriableException}, and {@link DeadlineExceededException} once the recording's {@link #timeoutFor
 * deadline} has passed; {@link InferenceStoppedException} means the detector's thread died and nothing more can
 * be analysed.
 */
public final class RecordingAnalyzer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RecordingAnalyzer.class);

    private final MediaFetcher fetcher;
    private final FfmpegDecoder decoder;
    private final Sampling sampling;
    private final SharedDetector detector;
    private final Tracker tracker;
    private final AnalysisListener listener;
    private final Duration timeout;
    private final java.util.function.Function<RecordingEvent, CameraZones> zones;
    private final StationaryMemory stationary;

    private RecordingAnalyzer(Builder b) {
        this.fetcher = b.fetcher;
        this.decoder = b.decoder;
        this.sampling = b.sampling;
        this.tracker = b.tracker;
        this.listener = b.listener;
        this.timeout = b.timeout;
        this.zones = b.zones;
        this.stationary = b.stationary;
        this.detector = b.detector instanceof SharedDetector shared ? shared
                : SharedDetector.forConcurrency(b.detector, b.concurrency, listener::inferenceBatch);
    }

    /** An analyzer over {@code detector}, which it takes ownership of (a {@link SharedDetector} is used as is). */
    public static Builder builder(Detector detector) {
        return new Builder(detector);
    }

    /**
     * Settings of a {@link RecordingAnalyzer}; every one has a default but the detector. The defaults: no fetcher
     * (only {@code analyse(event, media)} works), FFmpeg's software decoder, 5 frames spread over the recording,
     * <b>no tracker</b> (detections per frame, no tracks: call {@link #configure} or {@link #tracker}), no listener,
     * a deadline derived per recording, one analysing thread. {@link #configure} sets what the settings describe,
     * as the worker does; later calls override it.
     */
    public static final class Builder {
        private final Detector detector;
        private MediaFetcher fetcher;
        private FfmpegDecoder decoder = new FfmpegDecoder(DecoderOptions.defaults());
        private Sampling sampling = Sampling.count(5);
        private Tracker tracker;
        private AnalysisListener listener = AnalysisListener.NONE;
        private Duration timeout = Duration.ZERO;
        private int concurrency = 1;
        private java.util.function.Function<RecordingEvent, CameraZones> zones = event -> CameraZones.NONE;
        private StationaryMemory stationary;
        /** The settings {@link #configure} was given: {@link #build} makes their stationary memory. */
        private io.vaultml.api.config.Config stationaryFrom;

        private Builder(Detector detector) {
            this.detector = Objects.requireNonNull(detector, "detector");
        }

        /**
         * Decoding, sampling, tracker and deadline as {@code config} describes them ({@link AnalysisSettings#CONFIG}
         * must be among its definition's keys): the same analysis the worker and {@code detect} run.
         */
        public Builder configure(io.vaultml.api.config.Config config) {
            decoder(io.vaultml.video.VideoConfig.decoderOptions(config));
            sampling(io.vaultml.video.VideoConfig.sampling(config));
            tracker(AnalysisSettings.tracker(config));
            timeout(config.get(AnalysisSettings.RECORDING_TIMEOUT));
            AnalysisSettings.stationaryStore(config); // an unknown store is refused now, not at build()
            stationaryFrom = config; // made by build(), so that nothing is left open if the building fails first
            if (tracker instanceof io.vaultml.tracking.CentroidTracker centroid && sampling instanceof Sampling.Count count
                    && centroid.settings().moveDistance() > 0) {
                log.info("NUMBER_OF_PREDICTIONS={} spreads the frames over the whole recording, usually too far apart "
                        + "to follow an object: then every object of the busiest frame per label counts, and "
                        + "MOVE_DISTANCE={} filters nothing. Moving-object filtering needs CLASSIFICATION_FPS sampling.",
                        count.frames(), centroid.settings().moveDistance());
            }
            return this;
        }

        /** Where {@link #analyse(RecordingEvent)} gets recordings; without one only {@code analyse(event, media)} works. */
        public Builder fetcher(MediaFetcher fetcher) {
            this.fetcher = fetcher;
            return this;
        }

        public Builder decoder(DecoderOptions options) {
            this.decoder = new FfmpegDecoder(options);
            return this;
        }

        /** Which frames are analysed; default: 5 spread over the recording (the original NUMBER_OF_PREDICTIONS). */
        public Builder sampling(Sampling sampling) {
            this.sampling = Objects.requireNonNull(sampling, "sampling");
            return this;
        }

        /** The tracker; none (the default) reports detections without tracks. */
        public Builder tracker(Tracker tracker) {
            this.tracker = tracker;
            return this;
        }

        public Builder listener(AnalysisListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * How long one recording may take from fetch to tracks before it is given up as a
         * {@link DeadlineExceededException}; zero (the default) derives it per recording ({@link #timeoutFor}).
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * The zones and masks of each recording's camera (see {@link RecordingEvent#camera()}); default none.
         * Detections standing in a mask are dropped before tracking; the result carries the zones it was
         * measured against.
         */
        public Builder zones(java.util.function.Function<RecordingEvent, CameraZones> zones) {
            this.zones = Objects.requireNonNull(zones, "zones");
            return this;
        }

        /**
         * Parked objects remembered across recordings of each camera; null (the default): none. Replaces what
         * {@link #configure} asked for. The analyzer owns it and closes it.
         */
        public Builder stationary(StationaryMemory memory) {
            this.stationary = memory;
            this.stationaryFrom = null;
            return this;
        }

        /** How many threads will call {@link #analyse} at once: sizes the queue in front of the detector. */
        public Builder concurrency(int threads) {
            this.concurrency = Math.max(1, threads);
            return this;
        }

        public RecordingAnalyzer build() {
            if (stationaryFrom != null) {
                stationary = AnalysisSettings.stationaryMemory(stationaryFrom);
                stationaryFrom = null;
            }
            try {
                return new RecordingAnalyzer(this);
            } catch (RuntimeException | Error e) {
                if (stationary != null) {
                    stationary.close();
                }
                throw e;
            }
        }
    }

    /** The longest derived budget: an event declaring an absurd size must not get an endless one. */
    static final Duration LONGEST_DERIVED_TIMEOUT = Duration.ofHours(6);

    /**
     * The deadline budget of one recording: the configured timeout, or, when that is zero, 2 min plus 2 s per frame
     * the sampling may analyse plus 2 s per MiB the event declares, at most {@link #LONGEST_DERIVED_TIMEOUT}.
     * Generous on purpose: it bounds hangs, it does not police slow hardware.
     */
    public Duration timeoutFor(RecordingEvent event) {
        if (!timeout.isZero()) {
            return timeout;
        }
        int frames = sampling instanceof Sampling.Count c ? c.frames() : ((Sampling.Rate) sampling).max();
        long mib = Math.min(Math.max(0, event.fileSize()) >> 20, LONGEST_DERIVED_TIMEOUT.toSeconds());
        Duration derived = Duration.ofMinutes(2).plusSeconds(2L * Math.min(frames, 1_000_000)).plusSeconds(2 * mib);
        return derived.compareTo(LONGEST_DERIVED_TIMEOUT) > 0 ? LONGEST_DERIVED_TIMEOUT : derived;
    }

    /** Fetches the event's recording and analyses it. */
    public AnalysisResult analyse(RecordingEvent event) {
        if (fetcher == null) {
            throw new IllegalStateException("this analyzer has no MediaFetcher; call analyse(event, media)");
        }
        long start = System.nanoTime();
        Duration timeout = timeoutFor(event);
        Media media;
        try {
            media = fetcher.fetch(event, timeout);
        } catch (RetriableException e) {
            if (System.nanoTime() - start >= timeout.toNanos()) {
                throw new DeadlineExceededException("Recording " + event.key() + ": " + e.getMessage()
                        + " (deadline " + timeout.toSeconds() + " s)", e);
            }
            throw e;
        }
        long fetched = System.nanoTime();
        listener.stage("fetch", fetched - start);
        return analyse(event, media, start, fetched, null);
    }

    /** Analyses a recording the caller already holds; {@code event} names it in the result and in errors. */
    public AnalysisResult analyse(RecordingEvent event, Media media) {
        return analyse(event, media, null);
    }

    /**
     * Analyses a recording the caller already holds, showing {@code observer} each sampled frame as it is decoded,
     * on the calling thread (to draw on a copy, say); the pixels are valid during that call only.
     */
    public AnalysisResult analyse(RecordingEvent event, Media media, FrameConsumer observer) {
        long now = System.nanoTime();
        return analyse(event, media, now, now, observer);
    }

    private AnalysisResult analyse(RecordingEvent event, Media media, long start, long fetched,
            FrameConsumer observer) {
        Duration timeout = timeoutFor(event);
        long deadline = start + timeout.toNanos();
        // Frames are inferred while the decoder goes on; their detections are collected in frame order after.
        List<Submitted> submitted = new ArrayList<>();
        List<FrameDetections> frames = new ArrayList<>();
        DecodeReport report;
        long decoded;
        String stage = "decode";
        try {
            report = decoder.decode(media, sampling, frame -> {
                if (observer != null) {
                    observer.accept(frame);
                }
                submitted.add(new Submitted(frame.index(), frame.timestampMicros(), detector.submit(frame, deadline)));
            });
            decoded = System.nanoTime();
            stage = "detect";
            for (Submitted s : submitted) {
                frames.add(new FrameDetections(s.index(), s.timestampMicros(),
                        SharedDetector.await(s.detections(), deadline)));
            }
        } catch (RetriableException e) {
            if (System.nanoTime() - deadline > 0) {
                throw new DeadlineExceededException("Recording " + event.key() + ": " + e.getMessage()
                        + " (deadline " + timeout.toSeconds() + " s)", e);
            }
            throw new RetriableException("Recording " + event.key() + ": " + e.getMessage(), e);
        } catch (VaultMlException e) { // InferenceStoppedException included
            throw e;
        } catch (RuntimeException e) {
            // A detector or decoder that throws on this recording: this recording's outcome, not the caller's.
            throw new UnprocessableInputException(stage, "Recording " + event.key() + " failed in " + stage + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        long detected = System.nanoTime();
        listener.stage("decode", decoded - fetched);
        listener.stage("detect", detected - decoded);
        listener.frames(frames.size());
        if (report.truncated()) {
            listener.truncated(event.key(), report.truncationSummary());
            log.warn("Recording {} is {}", event.key(), report.truncationSummary());
        }
        CameraZones cameraZones = zones.apply(event);
        if (!cameraZones.masks().isEmpty()) {
            frames = withoutMasked(frames, cameraZones, report.video());
        }
        List<Track> tracks = tracker == null ? List.of() : tracker.track(frames, report.video());
        if (stationary != null) {
            tracks = stationary.mark(event.camera(), event.key(), tracks, report.video());
        }
        if (!tracks.isEmpty() && tracks.stream().allMatch(Track::unassociated)) {
            log.debug("Recording {}: its {} analysed frames are too far apart to track; each object of the busiest "
                    + "frame per label is reported once, as of interest", event.key(), frames.size());
        }
        long tracked = System.nanoTime();
        listener.stage("track", tracked - detected);
        AnalysisResult result = new AnalysisResult(event, report.video(), frames, tracks, tracker != null,
                detector.info(), Duration.ofNanos(tracked - start), report.truncated() ? report.truncationSummary() : "",
                cameraZones);
        log.info("Processed {}: {} frames ({} {}x{}), {} detections, {} tracks ({} moving) | fetch {} ms, decode {} ms, "
                        + "detect {} ms more, track {} ms", event.key(), frames.size(), report.video().codec(),
                report.video().width(), report.video().height(), result.detectionCount(), tracks.size(),
                result.movingTracks().size(), ms(fetched - start), ms(decoded - fetched),
                ms(detected - decoded), ms(tracked - detected));
        return result;
    }

    /** The detector's thread, shared by every analysing thread. */
    public SharedDetector detector() {
        return detector;
    }

    /** The frames analysed per recording. */
    public Sampling sampling() {
        return sampling;
    }

    /** False once the detector's thread died ({@link InferenceStoppedException}). */
    public boolean alive() {
        return detector.alive();
    }

    /** The memory of parked objects, when there is one: for metrics and health checks. */
    public java.util.Optional<StationaryMemory> stationary() {
        return java.util.Optional.ofNullable(stationary);
    }

    /** Stops the detector's thread and closes the detector and the stationary memory's store. Idempotent. */
    @Override
    public void close() {
        try {
            detector.close();
        } finally {
            if (stationary != null) {
                stationary.close();
            }
        }
    }

    /** The frames without the detections whose bottom centre lies in one of the camera's masks. */
    private static List<FrameDetections> withoutMasked(List<FrameDetections> frames, CameraZones zones,
            io.vaultml.api.VideoInfo video) {
        List<FrameDetections> kept = new ArrayList<>(frames.size());
        for (FrameDetections f : frames) {
            kept.add(new FrameDetections(f.frameIndex(), f.timestampMicros(), f.detections().stream()
                    .filter(d -> !zones.masked(d.box(), video.width(), video.height())).toList()));
        }
        return kept;
    }

    private record Submitted(long index, long timestampMicros, CompletableFuture<List<Detection>> detections) {
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}
