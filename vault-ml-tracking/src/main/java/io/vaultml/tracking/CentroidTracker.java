package io.vaultml.tracking;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import io.vaultml.api.Tracker;
import io.vaultml.api.VideoInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Follows objects by the centres of their boxes.
 *
 * <p>For each analysed frame, in order: every open track predicts where its centre is now (last centre plus its
 * last velocity times the elapsed time, so two people crossing keep their identities); each (track, detection)
 * pair with the same label whose distance to the prediction is within the gate is a candidate, where the gate is
 * {@code max(minGate, maxSpeed * dt) * diagonal}. Candidates are assigned <b>greedily, closest first</b> (one
 * detection per track, one track per detection): with the few objects of a surveillance frame this matches the
 * Hungarian assignment almost always and is simpler to reason about. Unassigned detections open new tracks.
 * Tracks unseen for longer than {@code maxGap} close.
 *
 * <p>A track's label is the majority of its sightings' labels; its path length sums the distances between
 * consecutive centres; its displacement is first to last centre; it is moving when the displacement reaches
 * {@code moveDistance}. Tracks with fewer than {@code minSightings} sightings are dropped; the rest are numbered
 * 1, 2, ... in order of first appearance.
 *
 * <p><b>Frames too far apart.</b> When no two consecutive analysed frames are within {@code maxGap} of each other
 * (the original {@code NUMBER_OF_PREDICTIONS} sampling spreads a few frames over the whole recording), nothing can
 * be followed, yet the objects are there. Then, per label, the analysed frame that shows the most of that label
 * contributes its detections, each as a one-sighting track ({@link Track#unassociated()}): the same person seen in
 * five frames counts once, five people seen together count five times. Their motion is unknown, so they count as
 * objects of interest whatever {@code moveDistance} is, with path length and displacement 0.
 *
 * <p>Stateless between calls and thread-safe.
 */
public final class CentroidTracker implements Tracker {
    private final TrackerSettings settings;

    public CentroidTracker(TrackerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public TrackerSettings settings() {
        return settings;
    }

    @Override
    public List<Track> track(List<FrameDetections> frames, VideoInfo video) {
        if (!associable(frames, settings.maxGap())) {
            return busiestFramePerLabel(frames);
        }
        double diagonal = Math.hypot(video.width(), video.height());
        long maxGapMicros = settings.maxGap().toNanos() / 1000;
        List<OpenTrack> all = new ArrayList<>();
        List<OpenTrack> open = new ArrayList<>();
        for (FrameDetections frame : frames) {
            long now = frame.timestampMicros();
            open.removeIf(t -> now - t.lastMicros() > maxGapMicros);
            List<Detection> detections = frame.detections();
            boolean[] taken = new boolean[detections.size()];
            List<Candidate> candidates = new ArrayList<>();
            for (OpenTrack track : open) {
                double dt = Math.max(0, (now - track.lastMicros()) / 1e6);
                double gate = Math.max(settings.minGate(), settings.maxSpeed() * dt) * diagonal;
                double px = track.lastX() + track.vx * dt;
                double py = track.lastY() + track.vy * dt;
                for (int i = 0; i < detections.size(); i++) {
                    Detection d = detections.get(i);
                    if (settings.classAware() && !d.label().equals(track.label)) {
                        continue;
                    }
                    double distance = Math.hypot(d.box().centerX() - px, d.box().centerY() - py);
                    if (distance <= gate) {
                        candidates.add(new Candidate(track, i, distance));
                    }
                }
            }
            candidates.sort(Comparator.comparingDouble(Candidate::distance));
            List<OpenTrack> updated = new ArrayList<>();
            for (Candidate c : candidates) {
                if (taken[c.detection()] || updated.contains(c.track())) {
                    continue;
                }
                taken[c.detection()] = true;
                updated.add(c.track());
                c.track().add(frame, detections.get(c.detection()));
            }
            for (int i = 0; i < detections.size(); i++) {
                if (!taken[i]) {
                    OpenTrack t = new OpenTrack(detections.get(i).label());
                    t.add(frame, detections.get(i));
                    open.add(t);
                    all.add(t);
                }
            }
        }
        List<Track> out = new ArrayList<>();
        for (OpenTrack t : all) {
            if (t.points.size() >= settings.minSightings()) {
                out.add(t.toTrack(out.size() + 1, settings.moveDistance()));
            }
        }
        return out;
    }

    /** Whether at least two consecutive analysed frames are close enough in time to follow an object across. */
    public static boolean associable(List<FrameDetections> frames, java.time.Duration maxGap) {
        long maxGapMicros = maxGap.toNanos() / 1000;
        for (int i = 1; i < frames.size(); i++) {
            if (frames.get(i).timestampMicros() - frames.get(i - 1).timestampMicros() <= maxGapMicros) {
                return true;
            }
        }
        return false;
    }

    /** Per label, the detections of the frame showing the most of it (earliest on a tie), one track each. */
    static List<Track> busiestFramePerLabel(List<FrameDetections> frames) {
        Map<String, FrameDetections> busiest = new java.util.TreeMap<>();
        Map<String, Integer> most = new HashMap<>();
        for (FrameDetections frame : frames) {
            Map<String, Integer> counts = new HashMap<>();
            frame.detections().forEach(d -> counts.merge(d.label(), 1, Integer::sum));
            counts.forEach((label, n) -> {
                if (n > most.getOrDefault(label, 0)) {
                    most.put(label, n);
                    busiest.put(label, frame);
                }
            });
        }
        List<TrackPoint> sightings = new ArrayList<>();
        for (FrameDetections frame : frames) {
            for (Detection d : frame.detections()) {
                if (busiest.get(d.label()) == frame) {
                    sightings.add(new TrackPoint(frame.frameIndex(), frame.timestampMicros(), d.label(),
                            d.confidence(), d.box(), d.colors()));
                }
            }
        }
        List<Track> out = new ArrayList<>(sightings.size());
        for (TrackPoint p : sightings) {
            out.add(new Track(out.size() + 1, p.label(), List.of(p), 0, 0, true));
        }
        return out;
    }

    private record Candidate(OpenTrack track, int detection, double distance) {
    }

    private static final class OpenTrack {
        final String label;
        final List<TrackPoint> points = new ArrayList<>();
        double vx;
        double vy;

        OpenTrack(String label) {
            this.label = label;
        }

        void add(FrameDetections frame, Detection d) {
            TrackPoint p = new TrackPoint(frame.frameIndex(), frame.timestampMicros(), d.label(), d.confidence(),
                    d.box(), d.colors());
            if (!points.isEmpty()) {
                double dt = (p.timestampMicros() - lastMicros()) / 1e6;
                if (dt > 0) {
                    vx = (p.box().centerX() - lastX()) / dt;
                    vy = (p.box().centerY() - lastY()) / dt;
                }
            }
            points.add(p);
        }

        long lastMicros() {
            return points.get(points.size() - 1).timestampMicros();
        }

        double lastX() {
            return points.get(points.size() - 1).box().centerX();
        }

        double lastY() {
            return points.get(points.size() - 1).box().centerY();
        }

        Track toTrack(int id, double moveDistance) {
            double path = 0;
            for (int i = 1; i < points.size(); i++) {
                path += points.get(i).box().centerDistance(points.get(i - 1).box());
            }
            BoundingBox first = points.get(0).box();
            BoundingBox last = points.get(points.size() - 1).box();
            double displacement = first.centerDistance(last);
            return new Track(id, majorityLabel(), points, path, displacement, displacement >= moveDistance);
        }

        private String majorityLabel() {
            Map<String, Integer> votes = new HashMap<>();
            String best = points.get(0).label();
            for (TrackPoint p : points) {
                int n = votes.merge(p.label(), 1, Integer::sum);
                if (n > votes.getOrDefault(best, 0)) {
                    best = p.label();
                }
            }
            return best;
        }
    }
}
