package io.vaultml.kerberos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import io.vaultml.api.VideoInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KerberosResultsTest {
    static final VideoInfo VIDEO = new VideoInfo(640, 360, 30, 917, 30_570_000, "h264");
    static final DetectorInfo DETECTOR = new DetectorInfo("onnx-yolo", "yolov8n_int8.onnx", "cpu");

    /** The detections of the legacy README output (§4.1) in one frame, plus an empty frame. */
    static List<FrameDetections> readmeFrames() {
        return List.of(new FrameDetections(0, 0, List.of(
                        new Detection("car", 2, 0.930047333240509f, new BoundingBox(542.4, 308, 595, 336.2)),
                        new Detection("car", 2, 0.8236896991729736f, new BoundingBox(568, 287, 605, 303.6)))),
                new FrameDetections(183, 6_100_000, List.of()));
    }

    static JsonNode tree(byte[] json) throws Exception {
        return KerberosJson.MAPPER.readTree(json);
    }

    static RecordingEvent event(String json) {
        return KerberosEvents.parse(json.getBytes(StandardCharsets.UTF_8)).get(0);
    }

    /** Every field of the input other than data and operation comes back identical. */
    static void assertEchoesInput(String input, JsonNode output) throws Exception {
        JsonNode in = KerberosJson.MAPPER.readTree(input);
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("data") || field.getKey().equals("operation")) {
                continue;
            }
            assertEquals(field.getValue(), output.get(field.getKey()), "field " + field.getKey());
        }
        for (Iterator<String> names = output.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            assertTrue(in.has(name) || name.equals("data") || name.equals("operation"), "unexpected field " + name);
        }
    }

    @Test
    void legacyResultIsTheEventPlusClassification() throws Exception {
        String input = KerberosEventsTest.VAULT_EVENT;
        AnalysisResult result = new AnalysisResult(event(input), VIDEO, readmeFrames(), List.of(), false, DETECTOR,
                Duration.ofMillis(120));
        JsonNode out = tree(KerberosResults.toJson(result, ResultFormat.LEGACY, true));
        assertEchoesInput(input, out);
        assertEquals("classification", out.get("operation").asText());
        JsonNode data = out.get("data");
        assertEquals(0.930047333240509, data.at("/probabilities/0/0").asDouble(), 1e-6);
        assertEquals(0.8236896991729736, data.at("/probabilities/0/1").asDouble(), 1e-6);
        assertEquals(tree("[[\"car\",\"car\"],[]]".getBytes()), data.get("labels"));
        assertEquals(tree("[[[542,308,595,336],[568,287,605,304]],[]]".getBytes()), data.get("boxes"));
        assertEquals(0, data.at("/probabilities/1").size());
    }

    @Test
    void hubResultMergesDataAndCountsOnlyMovingTracks() throws Exception {
        String input = KerberosEventsTest.HUB_DISPATCH;
        TrackPoint a = new TrackPoint(0, 0, "person", 0.9f, new BoundingBox(100, 100, 140, 200));
        TrackPoint b = new TrackPoint(10, 1_000_000, "person", 0.8f, new BoundingBox(200, 100, 240, 200));
        TrackPoint c = new TrackPoint(20, 2_000_000, "person", 0.85f, new BoundingBox(300.123, 100, 340, 200));
        TrackPoint parked = new TrackPoint(0, 0, "car", 0.7f, new BoundingBox(10, 10, 50, 30));
        List<Track> tracks = List.of(new Track(1, "person", List.of(a, b, c), 200.06, 200.06, true),
                new Track(2, "car", List.of(parked, parked), 0, 0, false));
        AnalysisResult result = new AnalysisResult(event(input), VIDEO, readmeFrames(), tracks, true, DETECTOR,
                Duration.ofSeconds(1));
        JsonNode out = tree(KerberosResults.toJson(result, ResultFormat.HUB));
        assertEchoesInput(input, out);
        assertEquals("classify", out.get("operation").asText());
        JsonNode data = out.get("data");
        // The dispatch's own data fields are kept, as the Hub classifier's data.update() does.
        assertEquals("http://vault-lb.kerberos-vault/api", data.get("storage_uri").asText());
        assertEquals(1, data.get("objectCount").asInt());
        assertEquals(tree("[\"pedestrian\"]".getBytes()), data.get("properties"), "the Hub's word for person");
        assertEquals(2, data.get("details").size());
        JsonNode person = data.at("/details/0");
        assertEquals("1", person.get("id").textValue());
        assertEquals("pedestrian", person.get("classified").asText());
        assertEquals(200.06, person.get("distance").asDouble());
        assertEquals(200.06, person.get("staticDistance").asDouble());
        assertEquals(false, person.get("isStatic").asBoolean());
        assertEquals(640, person.get("frameWidth").asInt());
        assertEquals(360, person.get("frameHeight").asInt());
        assertEquals(0, person.get("frame").asInt());
        assertEquals(tree("[0,10,20]".getBytes()), person.get("frames"));
        assertEquals(3, person.get("occurence").asInt());
        assertEquals(tree("[300.12,100.0,340.0,200.0]".getBytes()), person.at("/traject/2"));
        assertEquals(tree("[120.0,150.0]".getBytes()), person.at("/trajectCentroids/0"));
        assertTrue(person.get("valid").asBoolean());
        for (String zero : List.of("x", "y", "w", "h", "meanColor")) {
            assertEquals(0, person.get(zero).intValue(), zero);
        }
        for (String colours : List.of("colorsBGR", "colorsHLS", "colorsStr", "colorStr")) {
            assertEquals(0, person.get(colours).size(), colours + " present and empty");
        }
        assertTrue(data.at("/details/1/isStatic").asBoolean());
        JsonNode coco = tree(KerberosResults.toJson(result, ResultFormat.HUB, true, LabelVocabulary.MODEL));
        assertEquals("person", coco.at("/data/details/0/classified").asText(), "LABELS=model");
    }

    @Test
    void hubResultWithoutTrackingDescribesTheBusiestFrame() throws Exception {
        AnalysisResult result = new AnalysisResult(event(KerberosEventsTest.VAULT_EVENT), VIDEO, readmeFrames(),
                List.of(), false, DETECTOR, Duration.ZERO);
        JsonNode data = tree(KerberosResults.toJson(result, ResultFormat.HUB)).get("data");
        assertEquals(2, data.get("objectCount").asInt());
        assertEquals(tree("[\"car\",\"car\"]".getBytes()), data.get("properties"));
        assertEquals(0, data.get("details").size());
    }

    @Test
    void unknownFieldsAndNumbersSurviveExactly() throws Exception {
        String input = "{\"payload\":{\"key\":\"k\",\"x-future\":{\"ratio\":1.50,\"big\":123456789012345678901234},"
                + "\"metadata\":{\"note\":\"caf\\u00e9 \\/ \\\"q\\\"\"}},\"score\":0.930047333240509,"
                + "\"list\":[1,2.0,null,true],\"operation\":\"old\"}";
        AnalysisResult result = new AnalysisResult(event(input), VIDEO, List.of(), List.of(), false, DETECTOR,
                Duration.ZERO);
        for (ResultFormat format : ResultFormat.values()) {
            byte[] json = KerberosResults.toJson(result, format);
            assertEchoesInput(input, tree(json));
            String text = new String(json, StandardCharsets.UTF_8);
            assertTrue(text.contains("\"ratio\":1.50"), text);
            assertTrue(text.contains("\"big\":123456789012345678901234"), text);
            assertTrue(text.contains("\"score\":0.930047333240509"), text);
            assertTrue(text.contains("\"list\":[1,2.0,null,true]"), text);
            assertEquals(format.operation(), tree(json).get("operation").asText());
        }
    }

    @Test
    void eachEventOfAnArrayGetsItsOwnResult() throws Exception {
        String input = "[" + KerberosEventsTest.VAULT_EVENT + "," + KerberosEventsTest.OLD_VAULT_EVENT + "]";
        List<RecordingEvent> events = KerberosEvents.parse(input.getBytes(StandardCharsets.UTF_8));
        JsonNode second = tree(KerberosResults.toJson(new AnalysisResult(events.get(1), VIDEO, readmeFrames(),
                List.of(), false, DETECTOR, Duration.ZERO), ResultFormat.LEGACY, true));
        assertEchoesInput(KerberosEventsTest.OLD_VAULT_EVENT, second);
    }

    @Test
    void credentialsAreKeptForTheHubAndDroppedForLegacyAndWebhooks() throws Exception {
        String input = "{\"source\":\"s3\",\"payload\":{\"key\":\"u/1.mp4\",\"metadata\":{\"publickey\":\"PUB-9\","
                + "\"event-instancename\":\"cam\"}},\"data\":{\"storage_uri\":\"http://v/api\","
                + "\"storage_access_key\":\"AK-9\",\"storage_secret\":\"SK-9\"}}";
        AnalysisResult result = new AnalysisResult(event(input), VIDEO, readmeFrames(), List.of(), false, DETECTOR,
                Duration.ZERO);
        String hub = new String(KerberosResults.toJson(result, ResultFormat.HUB), StandardCharsets.UTF_8);
        assertTrue(hub.contains("SK-9") && hub.contains("AK-9") && hub.contains("PUB-9"), hub);
        String legacy = new String(KerberosResults.toJson(result, ResultFormat.LEGACY), StandardCharsets.UTF_8);
        for (String secret : List.of("SK-9", "AK-9", "PUB-9")) {
            assertFalse(legacy.contains(secret), legacy);
        }
        JsonNode legacyTree = tree(legacy.getBytes(StandardCharsets.UTF_8));
        assertEquals("http://v/api", legacyTree.at("/data/storage_uri").asText(), "the URI is no secret");
        assertEquals("cam", legacyTree.at("/payload/metadata/event-instancename").asText());
        String hubWithout = new String(KerberosResults.toJson(result, ResultFormat.HUB, false), StandardCharsets.UTF_8);
        assertFalse(hubWithout.contains("SK-9") || hubWithout.contains("PUB-9"), hubWithout);

        String webhook = new String(KerberosResults.withoutCredentials(hub.getBytes(StandardCharsets.UTF_8), false),
                StandardCharsets.UTF_8);
        assertFalse(webhook.contains("SK-9") || webhook.contains("AK-9") || webhook.contains("PUB-9"), webhook);
        assertEquals(tree(hub.getBytes(StandardCharsets.UTF_8)).at("/data/details"), tree(webhook.getBytes(
                StandardCharsets.UTF_8)).at("/data/details"));
        String hubForward = new String(KerberosResults.withoutCredentials(hub.getBytes(StandardCharsets.UTF_8), true),
                StandardCharsets.UTF_8);
        assertTrue(hubForward.contains("PUB-9") && !hubForward.contains("SK-9"), hubForward);
    }

    @Test
    void formatNamesParseAsRESULT_FORMATTakesThem() {
        assertEquals(ResultFormat.LEGACY, ResultFormat.parse("Legacy"));
        assertEquals(ResultFormat.HUB, ResultFormat.parse(" hub "));
        // The operation names are not setting values: RESULT_FORMAT's validator refuses them too.
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ResultFormat.parse("classification"));
    }

    @Test
    void theWriterOwnsTheDefaultsOfTheResultSettings() {
        ResultWriter hub = ResultWriter.of(ResultFormat.HUB);
        ResultWriter legacy = ResultWriter.of(ResultFormat.LEGACY);
        assertTrue(hub.keepsCredentials() && hub.labels() == LabelVocabulary.HUB, hub.toString());
        assertTrue(!legacy.keepsCredentials() && legacy.labels() == LabelVocabulary.MODEL, legacy.toString());
        io.vaultml.api.config.Config drop = ResultWriter.CONFIG.parse(io.vaultml.api.config.ConfigSource.of(
                java.util.Map.of("RESULT_FORMAT", "hub", "RESULT_CREDENTIALS", "drop", "LABELS", "model")));
        ResultWriter configured = ResultWriter.from(drop);
        assertTrue(!configured.keepsCredentials() && configured.labels() == LabelVocabulary.MODEL
                && configured.format() == ResultFormat.HUB, configured.toString());
    }
}
