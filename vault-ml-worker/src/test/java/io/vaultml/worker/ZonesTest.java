package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zones and masks in the worker, on the shared recordings with YOLOv8n: the highway camera's walkway counts the
 * people and cyclists standing in it and no car; a mask over the pedestrians camera's car park drops the parked
 * vehicles before they are tracked or counted; FORWARDING_ZONES forwards only what stood in the zone.
 */
@WireMockTest
class ZonesTest {
    static final String ZONES = """
            cameras:
              highway:
                zones:
                  walkway: {polygon: [[0.18,0.25],[0.30,0.25],[0.36,1.0],[0.05,1.0]], labels: [person, bicycle]}
              pedestrians:
                masks:
                  - [[0.8,0.0],[1.0,0.0],[1.0,0.25],[0.8,0.25]]
            """;

    Map<String, JsonNode> run(Path dir, Map<String, String> extra) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (String f : new String[] {LocalModeTest.HIGHWAY, LocalModeTest.PEDESTRIANS}) {
            Files.copy(TestData.require("videos/kerberos/" + f), in.resolve(f));
        }
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of(
                "MODEL_PATH", TestData.require("models/yolov8n_int8.onnx").toString(),
                "ZONES_FILE", Files.writeString(dir.resolve("zones.yaml"), ZONES).toString(),
                "CLASSIFICATION_FPS", "3")));
        env.putAll(extra);
        assertEquals(0, LocalModeTest.run(env));
        Map<String, JsonNode> byCamera = new TreeMap<>();
        for (JsonNode r : LocalModeTest.lines(dir.resolve("results.jsonl"))) {
            byCamera.put(r.at("/payload/key").asText().split("_")[2], r);
        }
        return byCamera;
    }

    @Test
    void theWalkwayCountsPeopleAndCyclistsAndTheMaskDropsTheParkedVehicles(@TempDir Path dir,
            WireMockRuntimeInfo wm) throws Exception {
        stubFor(post("/hook").willReturn(ok()));
        Map<String, JsonNode> results = run(dir, Map.of("RESULT_FORMAT", "hub", "WEBHOOK_URL",
                wm.getHttpBaseUrl() + "/hook", "FORWARDING_ZONES", "walkway", "FORWARDING_OBJECT_THRESHOLD", "1"));

        JsonNode highway = results.get("highway").get("data");
        JsonNode walkway = highway.at("/zones/walkway");
        assertTrue(walkway.get("objectCount").asInt() >= 1, highway.get("zones").toString());
        walkway.get("properties").forEach(p -> assertTrue(Set.of("pedestrian", "cyclist").contains(p.asText()),
                "the walkway counts only its labels: " + walkway));
        int carsOutside = 0;
        for (JsonNode d : highway.get("details")) {
            boolean inWalkway = d.get("zones").toString().contains("walkway");
            String label = d.get("classified").asText();
            assertFalse(inWalkway && !Set.of("pedestrian", "cyclist").contains(label), "a " + label + " in walkway");
            carsOutside += label.equals("car") && !inWalkway ? 1 : 0;
        }
        assertTrue(carsOutside > 0, "the highway's cars are detected, outside the walkway");

        JsonNode pedestrians = results.get("pedestrians").get("data");
        for (JsonNode d : pedestrians.get("details")) {
            assertEquals("pedestrian", d.get("classified").asText(), "the parked vehicles are masked: " + d);
        }
        assertFalse(pedestrians.has("zones"), "a camera with masks only has no zone counts");

        // FORWARDING_ZONES=walkway: only the highway had someone in the walkway.
        ForwardingTest.settle(wm, 1);
        assertEquals(1, wm.getWireMock().find(postRequestedFor(urlEqualTo("/hook"))).size());
        assertEquals(1, wm.getWireMock().find(postRequestedFor(urlEqualTo("/hook"))
                .withRequestBody(containing("highway"))).size());
        System.out.printf("ZonesTest: highway walkway %s; pedestrians camera %d objects after its mask%n", walkway,
                pedestrians.get("objectCount").asInt());
    }

    @Test
    void theLegacyFormatNamesTheZonesOfEachBox(@TempDir Path dir) throws Exception {
        JsonNode highway = run(dir, Map.of("RESULT_FORMAT", "legacy")).get("highway").get("data");
        JsonNode labels = highway.get("labels");
        JsonNode zones = highway.get("zones");
        assertEquals(labels.size(), zones.size(), "one list per frame");
        int inWalkway = 0;
        for (int f = 0; f < labels.size(); f++) {
            assertEquals(labels.get(f).size(), zones.get(f).size(), "one list per box");
            for (int b = 0; b < labels.get(f).size(); b++) {
                if (zones.get(f).get(b).toString().contains("walkway")) {
                    inWalkway++;
                    assertTrue(Set.of("person", "bicycle").contains(labels.get(f).get(b).asText()));
                }
            }
        }
        assertTrue(inWalkway > 0, "someone stood in the walkway: " + zones);
    }
}
