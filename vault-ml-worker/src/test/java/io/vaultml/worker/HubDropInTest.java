package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vault-ml as the Kerberos Hub classifier stage: the Hub's keys, types and words on a real recording. */
class HubDropInTest {

    /**
     * Every key the Hub's model of a classify detail declares, with its JSON type: {@code ClassifyDetails} in
     * {@code uug-ai/models} {@code pkg/models/analysis.go} (id string; x, y, w, h, frameWidth, frameHeight,
     * meanColor, frame, occurence numbers; distance, staticDistance float64; valid, isStatic bool; classified
     * string; traject, trajectCentroids [][]float64; colorStr []string; frames []int64), plus the colour samples the
     * Hub classifier always writes beside them (colorsBGR, colorsHLS, colorsStr; empty lists without colours).
     */
    static final Map<String, Predicate<JsonNode>> HUB_DETAIL = new LinkedHashMap<>();

    static {
        HUB_DETAIL.put("id", JsonNode::isTextual);
        for (String n : List.of("x", "y", "w", "h", "frameWidth", "frameHeight", "meanColor", "frame", "occurence")) {
            HUB_DETAIL.put(n, JsonNode::isIntegralNumber);
        }
        HUB_DETAIL.put("distance", JsonNode::isNumber);
        HUB_DETAIL.put("staticDistance", JsonNode::isNumber);
        HUB_DETAIL.put("valid", JsonNode::isBoolean);
        HUB_DETAIL.put("isStatic", JsonNode::isBoolean);
        HUB_DETAIL.put("classified", JsonNode::isTextual);
        HUB_DETAIL.put("traject", n -> arrayOf(n, row -> arrayOf(row, JsonNode::isNumber) && row.size() == 4));
        HUB_DETAIL.put("trajectCentroids", n -> arrayOf(n, row -> arrayOf(row, JsonNode::isNumber) && row.size() == 2));
        HUB_DETAIL.put("colorStr", n -> arrayOf(n, JsonNode::isTextual));
        HUB_DETAIL.put("frames", n -> arrayOf(n, JsonNode::isIntegralNumber));
        HUB_DETAIL.put("colorsBGR", JsonNode::isArray);
        HUB_DETAIL.put("colorsHLS", JsonNode::isArray);
        HUB_DETAIL.put("colorsStr", JsonNode::isArray);
    }

    static boolean arrayOf(JsonNode n, Predicate<JsonNode> each) {
        if (!n.isArray()) {
            return false;
        }
        for (JsonNode e : n) {
            if (!each.test(e)) {
                return false;
            }
        }
        return true;
    }

    static Path pedestrians(Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/campus"));
        Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.PEDESTRIANS), in.resolve(LocalModeTest.PEDESTRIANS));
        return in;
    }

    @Test
    void aHubResultHasEveryKeyAndTypeOfTheHubsDetailModelInTheHubsWords(@TempDir Path dir) throws Exception {
        pedestrians(dir);
        assertEquals(0, LocalModeTest.run(LocalModeTest.env(dir, Map.of("RESULT_FORMAT", "hub",
                "CLASSIFICATION_FPS", "2", "MIN_DETECTIONS", "2", "MIN_STATIC_DISTANCE", "20"))));
        List<JsonNode> results = LocalModeTest.lines(dir.resolve("results.jsonl"));
        assertEquals(1, results.size());
        JsonNode data = results.get(0).get("data");
        assertEquals("classify", results.get(0).get("operation").asText());
        assertEquals(JsonNodeType.NUMBER, data.get("objectCount").getNodeType());
        JsonNode details = data.get("details");
        assertTrue(details.size() >= 3, "people walk through the campus: " + details);
        Set<String> words = new HashSet<>();
        for (JsonNode d : details) {
            for (Map.Entry<String, Predicate<JsonNode>> key : HUB_DETAIL.entrySet()) {
                assertTrue(d.has(key.getKey()), "detail without " + key.getKey() + ": " + d);
                assertTrue(key.getValue().test(d.get(key.getKey())), key.getKey() + " has the wrong type: " + d);
            }
            assertEquals(d.get("frames").size(), d.get("occurence").asInt());
            assertTrue(d.get("occurence").asInt() >= 2, "MIN_DETECTIONS=2");
            assertEquals(d.get("staticDistance").asDouble() <= 20, d.get("isStatic").asBoolean(),
                    "MIN_STATIC_DISTANCE=20: static when first-to-last distance is at most 20 px");
            words.add(d.get("classified").asText());
        }
        assertTrue(words.contains("pedestrian"), "COCO person in the Hub's words: " + words);
        assertFalse(words.contains("person"), words.toString());
        for (JsonNode p : data.get("properties")) {
            assertFalse(Set.of("person", "truck", "bicycle", "dog", "cat", "bird").contains(p.asText()), p.asText());
        }
        long moving = 0;
        for (JsonNode d : details) {
            moving += d.get("isStatic").asBoolean() ? 0 : 1;
        }
        assertEquals(moving, data.get("objectCount").asLong(), "objectCount counts the objects that are not static");
    }

    @Test
    void withoutTrackingEachCountedObjectIsAOneSightingDetail(@TempDir Path dir) throws Exception {
        pedestrians(dir);
        assertEquals(0, LocalModeTest.run(LocalModeTest.env(dir, Map.of("RESULT_FORMAT", "hub",
                "CLASSIFICATION_FPS", "2", "TRACKING", "false", "LABELS", "model"))));
        JsonNode data = LocalModeTest.lines(dir.resolve("results.jsonl")).get(0).get("data");
        JsonNode details = data.get("details");
        assertTrue(details.size() >= 3, details.toString());
        assertEquals(details.size(), data.get("objectCount").asInt(), "every entry counted");
        assertEquals(details.size(), data.get("properties").size());
        for (JsonNode d : details) {
            assertEquals(1, d.get("occurence").asInt());
            assertEquals(1, d.get("traject").size());
            assertFalse(d.get("isStatic").asBoolean());
            assertEquals(768, d.get("frameWidth").asInt());
        }
        assertTrue(data.get("properties").toString().contains("\"person\""), "LABELS=model keeps COCO names");
    }

    @Test
    void withDominantColoursEachSightingHasItsColoursAndEachObjectItsTopNames(@TempDir Path dir) throws Exception {
        pedestrians(dir);
        assertEquals(0, LocalModeTest.run(LocalModeTest.env(dir, Map.of("RESULT_FORMAT", "hub",
                "CLASSIFICATION_FPS", "1", "FIND_DOMINANT_COLORS", "true"))));
        JsonNode details = LocalModeTest.lines(dir.resolve("results.jsonl")).get(0).at("/data/details");
        Set<String> palette = Set.of("black", "white", "grey", "red", "orange", "brown", "yellow", "green", "cyan",
                "blue", "purple", "pink");
        assertTrue(details.size() >= 3, details.toString());
        for (JsonNode d : details) {
            assertEquals(d.get("occurence").asInt(), d.get("colorsBGR").size(), "colours per sighting: " + d);
            assertEquals(d.get("colorsBGR").size(), d.get("colorsHLS").size());
            assertEquals(d.get("colorsBGR").size(), d.get("colorsStr").size());
            assertTrue(arrayOf(d.get("colorsBGR"), sample -> arrayOf(sample,
                    c -> c.size() == 3 && arrayOf(c, v -> v.isInt() && v.asInt() >= 0 && v.asInt() <= 255))));
            assertTrue(d.get("colorStr").size() >= 1 && d.get("colorStr").size() <= 3, d.get("colorStr").toString());
            for (JsonNode name : d.get("colorStr")) {
                assertTrue(palette.contains(name.asText()), name.asText());
            }
        }
    }
}
