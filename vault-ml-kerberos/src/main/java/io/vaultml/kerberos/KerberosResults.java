package io.vaultml.kerberos;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.CameraZones;
import io.vaultml.api.Detection;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import java.util.Comparator;
import java.util.List;

/**
 * Writes results the way Kerberos consumers read them: the inbound event, every field as received, with
 * {@code operation} set and our fields merged into {@code data} (fields already in {@code data}, such as a Hub
 * dispatch's storage settings, are kept, as the Hub classifier does).
 *
 * <p><b>Legacy</b> ({@code classification}): {@code data.probabilities[f][d]}, {@code data.labels[f][d]} and
 * {@code data.boxes[f][d] = [x1, y1, x2, y2]} (integer pixels of the original frame), one entry per analysed
 * frame, frames without objects included as empty lists.
 *
 * <p><b>Hub</b> ({@code classify}): {@code data.objectCount} and {@code data.properties} count the tracks that are
 * objects of interest ({@link io.vaultml.api.Track#moving()}: moved at least {@code MOVE_DISTANCE}, or a
 * one-sighting entry of frames too far apart to track, whose motion is unknown); {@code data.details[]} has one
 * entry per reported track, moving or static, with every key the Hub's model of a detail declares, as the Hub
 * classifier writes them: {@code x}, {@code y}, {@code w}, {@code h} and {@code meanColor} 0, and the colour keys
 * ({@code colorsBGR}, {@code colorsHLS}, {@code colorsStr}, {@code colorStr}) filled from the sightings' colours
 * when they were found ({@code FIND_DOMINANT_COLORS}), else empty lists. A result without tracks
 * at all (a library caller without a tracker) has empty {@code details} and counts the analysed frame with the
 * most detections.
 *
 * <p><b>Vocabulary.</b> Labels in {@code properties}, {@code classified} and legacy {@code labels} are written in
 * a {@link LabelVocabulary}: by default the Hub's words in the Hub format ({@code pedestrian}, {@code lorry}) and the
 * model's in the legacy format.
 *
 * <p><b>Credentials.</b> The echoed event may carry a Hub dispatch's Vault credentials
 * ({@code data.storage_access_key}, {@code data.storage_secret}) and the Hub tenant's
 * {@code payload.metadata.publickey}. {@link #toJson(AnalysisResult, ResultFormat)} follows the format: the Hub
 * format keeps them, because the Hub pipeline's next stages read this message as the dispatch they continue (the
 * storage settings to reach the recording, the publickey to attribute it to the tenant); the legacy format drops
 * them. {@link #toJson(AnalysisResult, ResultFormat, boolean)} decides explicitly; {@link #withoutCredentials}
 * strips them from a written result, for destinations that must never see them (webhooks).
 */
public final class KerberosResults {

    private KerberosResults() {
    }

    /** The Vault credentials a Hub dispatch carries in {@code data}. */
    static final java.util.List<String> STORAGE_CREDENTIALS = java.util.List.of("storage_access_key", "storage_secret");

    /** The result JSON, UTF-8, with the other result settings at their defaults ({@link ResultWriter#of}). */
    public static byte[] toJson(AnalysisResult result, ResultFormat format) {
        return ResultWriter.of(format).toJson(result);
    }

    /**
     * The result JSON, UTF-8.
     *
     * @param keepCredentials whether {@code data.storage_access_key}, {@code data.storage_secret} and
     *     {@code payload.metadata.publickey} of the event are echoed
     */
    public static byte[] toJson(AnalysisResult result, ResultFormat format, boolean keepCredentials) {
        return toJson(result, format, keepCredentials, ResultWriter.of(format).labels());
    }

    /**
     * The result JSON, UTF-8, with labels in {@code vocabulary}.
     *
     * @param keepCredentials whether {@code data.storage_access_key}, {@code data.storage_secret} and
     *     {@code payload.metadata.publickey} of the event are echoed
     */
    public static byte[] toJson(AnalysisResult result, ResultFormat format, boolean keepCredentials,
            LabelVocabulary vocabulary) {
        ObjectNode event;
        try {
            JsonNode parsed = KerberosJson.MAPPER.readTree(result.event().rawJson());
            if (!parsed.isObject()) {
                throw new IllegalArgumentException("event rawJson is not a JSON object");
            }
            event = (ObjectNode) parsed;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event rawJson of " + result.event().key() + " is not JSON", e);
        }
        JsonNode existing = event.get("data");
        ObjectNode data = existing instanceof ObjectNode o ? o : event.objectNode();
        if (format == ResultFormat.LEGACY) {
            writeLegacy(result, data, vocabulary);
        } else {
            writeHub(result, data, vocabulary);
        }
        event.set("data", data);
        event.put("operation", format.operation());
        if (!keepCredentials) {
            strip(event, false);
        }
        try {
            return KerberosJson.MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree must serialise", e);
        }
    }

    /**
     * A written result without the Vault storage credentials in {@code data}, and without the Hub
     * {@code publickey} unless {@code keepPublicKey}. A body that is not a JSON object is returned unchanged.
     */
    public static byte[] withoutCredentials(byte[] resultJson, boolean keepPublicKey) {
        try {
            JsonNode parsed = KerberosJson.MAPPER.readTree(resultJson);
            if (!(parsed instanceof ObjectNode event)) {
                return resultJson;
            }
            strip(event, keepPublicKey);
            return KerberosJson.MAPPER.writeValueAsBytes(event);
        } catch (java.io.IOException e) {
            return resultJson;
        }
    }

    private static void strip(ObjectNode event, boolean keepPublicKey) {
        if (event.get("data") instanceof ObjectNode data) {
            STORAGE_CREDENTIALS.forEach(data::remove);
        }
        if (!keepPublicKey && event.at("/payload/metadata") instanceof ObjectNode metadata) {
            metadata.remove("publickey");
        }
    }

    private static void writeLegacy(AnalysisResult result, ObjectNode data, LabelVocabulary vocabulary) {
        ArrayNode probabilities = data.putArray("probabilities");
        ArrayNode labels = data.putArray("labels");
        ArrayNode boxes = data.putArray("boxes");
        CameraZones cz = result.zones();
        ArrayNode zones = cz.zones().isEmpty() ? null : data.putArray("zones");
        for (FrameDetections frame : result.frames()) {
            ArrayNode p = probabilities.addArray();
            ArrayNode l = labels.addArray();
            ArrayNode b = boxes.addArray();
            ArrayNode z = zones == null ? null : zones.addArray();
            for (Detection d : frame.detections()) {
                if (z != null) {
                    ArrayNode in = z.addArray();
                    cz.zonesOf(d.label(), d.box(), result.video().width(), result.video().height()).forEach(in::add);
                }
                p.add(d.confidence());
                l.add(vocabulary.translate(d.label()));
                BoundingBox box = d.box();
                b.addArray().add(Math.round(box.x1())).add(Math.round(box.y1()))
                        .add(Math.round(box.x2())).add(Math.round(box.y2()));
            }
        }
    }

    private static void writeHub(AnalysisResult result, ObjectNode data, LabelVocabulary vocabulary) {
        ArrayNode properties = data.arrayNode();
        ArrayNode details = data.arrayNode();
        int count;
        if (result.tracked()) {
            for (Track track : result.tracks()) {
                if (track.moving()) {
                    properties.add(vocabulary.translate(track.label()));
                }
                details.add(detail(track, result, data, vocabulary));
            }
            count = result.movingTracks().size();
        } else {
            FrameDetections busiest = result.frames().stream()
                    .max(Comparator.comparingInt((FrameDetections f) -> f.detections().size())).orElse(null);
            if (busiest != null) {
                busiest.detections().forEach(d -> properties.add(vocabulary.translate(d.label())));
            }
            count = properties.size();
        }
        data.put("objectCount", count);
        data.set("properties", properties);
        data.set("details", details);
        if (!result.zones().zones().isEmpty()) {
            writeHubZones(result, data, vocabulary);
        }
    }

    /**
     * {@code data.zones}: per zone of the camera, its objects of interest as {@code objectCount} and
     * {@code properties} count them for the whole frame; each detail got its own {@code zones} already. Keys the
     * Hub's model decodes are untouched: these are extra.
     */
    private static void writeHubZones(AnalysisResult result, ObjectNode data, LabelVocabulary vocabulary) {
        int w = result.video().width();
        int h = result.video().height();
        CameraZones cz = result.zones();
        ObjectNode zones = data.putObject("zones");
        // Each moving track's zones once, not once per zone: a track's zones walk all its sightings.
        java.util.Map<Track, java.util.Set<String>> trackZones = new java.util.LinkedHashMap<>();
        if (result.tracked()) {
            result.movingTracks().forEach(t -> trackZones.put(t, cz.zonesOf(t, w, h)));
        }
        for (CameraZones.Zone zone : cz.zones()) {
            ArrayNode properties = data.arrayNode();
            if (result.tracked()) {
                trackZones.forEach((t, in) -> {
                    if (in.contains(zone.name())) {
                        properties.add(vocabulary.translate(t.label()));
                    }
                });
            } else {
                List<Detection> best = List.of();
                for (FrameDetections f : result.frames()) {
                    List<Detection> in = f.detections().stream()
                            .filter(d -> cz.zonesOf(d.label(), d.box(), w, h).contains(zone.name())).toList();
                    best = in.size() > best.size() ? in : best;
                }
                best.forEach(d -> properties.add(vocabulary.translate(d.label())));
            }
            ObjectNode z = zones.putObject(zone.name());
            z.put("objectCount", properties.size());
            z.set("properties", properties);
        }
    }

    private static ObjectNode detail(Track track, AnalysisResult result, ObjectNode factory,
            LabelVocabulary vocabulary) {
        ObjectNode d = factory.objectNode();
        d.put("id", String.valueOf(track.id()));
        d.put("classified", vocabulary.translate(track.label()));
        d.put("distance", round2(track.pathLength()));
        d.put("staticDistance", round2(track.displacement()));
        d.put("isStatic", !track.moving());
        d.put("frameWidth", result.video().width());
        d.put("frameHeight", result.video().height());
        d.put("frame", track.first().frameIndex());
        ArrayNode frames = d.putArray("frames");
        ArrayNode traject = d.putArray("traject");
        ArrayNode centroids = d.putArray("trajectCentroids");
        for (TrackPoint p : track.points()) {
            frames.add(p.frameIndex());
            BoundingBox b = p.box();
            traject.addArray().add(round2(b.x1())).add(round2(b.y1())).add(round2(b.x2())).add(round2(b.y2()));
            centroids.addArray().add(round2(b.centerX())).add(round2(b.centerY()));
        }
        if (!result.zones().zones().isEmpty()) {
            ArrayNode zones = d.putArray("zones");
            result.zones().zonesOf(track, result.video().width(), result.video().height()).forEach(zones::add);
        }
        d.put("occurence", track.sightings());
        d.put("valid", true);
        // Always present, as the Hub classifier writes them: the Hub's model declares them and workflow
        // conditions may name them. Position and size live in traject; colours are not computed.
        d.put("x", 0);
        d.put("y", 0);
        d.put("w", 0);
        d.put("h", 0);
        d.put("meanColor", 0);
        writeColors(track, d);
        return d;
    }

    /**
     * The Hub's colour keys: per sighting with colours, its colours as {@code [b, g, r]}, {@code [h, l, s]} and names;
     * {@code colorStr}: the three names covering most of the object over all sightings. Empty lists without colours.
     */
    private static void writeColors(Track track, ObjectNode d) {
        ArrayNode bgr = d.putArray("colorsBGR");
        ArrayNode hls = d.putArray("colorsHLS");
        ArrayNode names = d.putArray("colorsStr");
        java.util.Map<String, Double> weight = new java.util.HashMap<>();
        for (TrackPoint p : track.points()) {
            if (p.colors().isEmpty()) {
                continue;
            }
            ArrayNode sampleBgr = bgr.addArray();
            ArrayNode sampleHls = hls.addArray();
            ArrayNode sampleNames = names.addArray();
            for (io.vaultml.api.DominantColor c : p.colors()) {
                sampleBgr.addArray().add(c.blue()).add(c.green()).add(c.red());
                sampleHls.addArray().add(c.hue()).add(c.lightness()).add(c.saturation());
                sampleNames.add(c.name());
                weight.merge(c.name(), c.share(), Double::sum);
            }
        }
        ArrayNode top = d.putArray("colorStr");
        weight.entrySet().stream()
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()
                        .thenComparing(java.util.Map.Entry.comparingByKey()))
                .limit(3).forEach(e -> top.add(e.getKey()));
    }

    /** Two decimals are plenty for pixels and keep results readable. */
    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
