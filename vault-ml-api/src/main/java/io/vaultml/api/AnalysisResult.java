package io.vaultml.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything learned about one recording.
 *
 * @param event the event that asked for it
 * @param video what the decoder reported
 * @param frames per analysed frame, in frame order (frames without objects included)
 * @param tracks objects followed across frames; empty when {@code tracked} is false
 * @param tracked whether a tracker ran
 * @param detector which detector produced the detections
 * @param processingTime wall time from fetch to result
 * @param truncation empty when the whole recording was read; otherwise why it was analysed only up to a point
 *     (it ends early, or has undecodable data): the frames are those before the damage
 */
public record AnalysisResult(RecordingEvent event, VideoInfo video, List<FrameDetections> frames, List<Track> tracks,
        boolean tracked, DetectorInfo detector, Duration processingTime, String truncation) {

    /** A result of a recording read whole. */
    public AnalysisResult(RecordingEvent event, VideoInfo video, List<FrameDetections> frames, List<Track> tracks,
            boolean tracked, DetectorInfo detector, Duration processingTime) {
        this(event, video, frames, tracks, tracked, detector, processingTime, "");
    }

    public AnalysisResult {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(processingTime, "processingTime");
        Objects.requireNonNull(truncation, "truncation");
        frames = List.copyOf(frames);
        tracks = List.copyOf(tracks);
        if (!tracked && !tracks.isEmpty()) {
            throw new IllegalArgumentException("tracks given but tracked is false");
        }
    }

    /** Whether the recording was analysed only up to damage or an early end ({@link #truncation} says why). */
    public boolean truncated() {
        return !truncation.isEmpty();
    }

    /** Tracks that moved at least the configured distance. */
    public List<Track> movingTracks() {
        return tracks.stream().filter(Track::moving).toList();
    }

    /**
     * The number of objects of interest, compared with {@code FORWARDING_OBJECT_THRESHOLD}: the moving tracks
     * when tracking ran, otherwise the most detections seen in any one analysed frame (a recording with three
     * people in one frame has three objects of interest, however many frames were analysed).
     */
    public int objectsOfInterest() {
        if (tracked) {
            return movingTracks().size();
        }
        return frames.stream().mapToInt(f -> f.detections().size()).max().orElse(0);
    }

    /** All detections of all analysed frames. */
    public int detectionCount() {
        return frames.stream().mapToInt(f -> f.detections().size()).sum();
    }
}
