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
 * @param zones the camera's zones and masks the analysis applied (detections in a mask are already gone)
 */
public record AnalysisResult(RecordingEvent event, VideoInfo video, List<FrameDetections> frames, List<Track> tracks,
        boolean tracked, DetectorInfo detector, Duration processingTime, String truncation, CameraZones zones) {

    /** A result of a recording read whole, without zones. */
    public AnalysisResult(RecordingEvent event, VideoInfo video, List<FrameDetections> frames, List<Track> tracks,
            boolean tracked, DetectorInfo detector, Duration processingTime) {
        this(event, video, frames, tracks, tracked, detector, processingTime, "", CameraZones.NONE);
    }

    public AnalysisResult {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(processingTime, "processingTime");
        Objects.requireNonNull(truncation, "truncation");
        Objects.requireNonNull(zones, "zones");
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

    /**
     * The objects of interest ({@link #objectsOfInterest()}) that stood in at least one of {@code zoneNames} of
     * this camera's zones: what {@code FORWARDING_ZONES} compares with the threshold.
     */
    public int objectsOfInterestIn(java.util.Collection<String> zoneNames) {
        int w = video.width();
        int h = video.height();
        if (tracked) {
            return (int) movingTracks().stream()
                    .filter(t -> zones.zonesOf(t, w, h).stream().anyMatch(zoneNames::contains)).count();
        }
        return frames.stream().mapToInt(f -> (int) f.detections().stream()
                .filter(d -> zones.zonesOf(d.label(), d.box(), w, h).stream().anyMatch(zoneNames::contains))
                .count()).max().orElse(0);
    }

    /** All detections of all analysed frames. */
    public int detectionCount() {
        return frames.stream().mapToInt(f -> f.detections().size()).sum();
    }
}
