package io.vaultml.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What {@code detect} shows by default ({@code --format detections}): every detection of every analysed frame
 * with its label, score, box and (with zones) the zones it stands in, the tracks (or one-sighting objects when the frames were too far apart to
 * track) and the count the forwarding threshold compares with; and a one-line summary for standard error.
 */
final class DetectionsReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectionsReport() {
    }

    static String json(String file, AnalysisResult result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("file", file);
        ObjectNode video = root.putObject("video");
        video.put("width", result.video().width()).put("height", result.video().height())
                .put("codec", result.video().codec()).put("fps", round2(result.video().fps()));
        ArrayNode frames = root.putArray("frames");
        for (FrameDetections f : result.frames()) {
            ObjectNode frame = frames.addObject();
            frame.put("frame", f.frameIndex()).put("timeMs", f.timestampMicros() / 1000);
            ArrayNode detections = frame.putArray("detections");
            for (Detection d : f.detections()) {
                ObjectNode detection = detections.addObject().put("label", d.label())
                        .put("score", round2(d.confidence()));
                detection.set("box", box(d.box()));
                if (!result.zones().zones().isEmpty()) {
                    ArrayNode in = detection.putArray("zones");
                    result.zones().zonesOf(d.label(), d.box(), result.video().width(), result.video().height())
                            .forEach(in::add);
                }
            }
        }
        ArrayNode tracks = root.putArray("tracks");
        for (Track t : result.tracks()) {
            ObjectNode track = tracks.addObject();
            track.put("id", t.id()).put("label", t.label()).put("sightings", t.sightings())
                    .put("distance", round2(t.pathLength())).put("moving", t.moving());
            if (t.unassociated()) {
                track.put("motion", "unknown: frames too far apart to track");
            }
            if (!result.zones().zones().isEmpty()) {
                ArrayNode in = track.putArray("zones");
                result.zones().zonesOf(t, result.video().width(), result.video().height()).forEach(in::add);
            }
            ArrayNode boxes = track.putArray("boxes");
            for (TrackPoint p : t.points()) {
                boxes.addObject().put("frame", p.frameIndex()).set("box", box(p.box()));
            }
        }
        root.put("objectsOfInterest", result.objectsOfInterest());
        return root.toString();
    }

    /** e.g. {@code 5 frames, 47 detections: person 41, car 6; 3 tracks (2 moving)}. */
    static String summary(AnalysisResult result) {
        Map<String, Integer> labels = new TreeMap<>();
        result.frames().forEach(f -> f.detections().forEach(d -> labels.merge(d.label(), 1, Integer::sum)));
        String byLabel = labels.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        int n = result.frames().size();
        StringBuilder s = new StringBuilder().append(n).append(n == 1 ? " frame, " : " frames, ")
                .append(result.detectionCount()).append(result.detectionCount() == 1 ? " detection" : " detections")
                .append(byLabel.isEmpty() ? "" : ": " + byLabel);
        if (!result.tracks().isEmpty()) {
            boolean unassociated = result.tracks().stream().allMatch(Track::unassociated);
            s.append("; ").append(result.tracks().size()).append(unassociated
                    ? " objects (frames too far apart to track; each counted once)"
                    : " tracks (" + result.movingTracks().size() + " moving)");
        }
        return s.toString();
    }

    private static ArrayNode box(BoundingBox b) {
        ArrayNode a = JSON.createArrayNode();
        a.add(Math.round(b.x1())).add(Math.round(b.y1())).add(Math.round(b.x2())).add(Math.round(b.y2()));
        return a;
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
