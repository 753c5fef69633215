package io.vaultml.worker;

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STATIONARY_MEMORY=memory on the three recordings of the pedestrians camera, in order, with the original sparse
 * sampling (NUMBER_OF_PREDICTIONS=5, too far apart to track): the parked van and car count in the first recording
 * and are static from the second on, while the people are still counted.
 */
@WireMockTest
class StationaryTest {
    static final List<String> PEDESTRIANS = List.of("1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4",
            "1700000200_2-40_pedestrians_100-100-500-400_18_0.mp4", "1700000500_3-875_pedestrians_200-200-400-400_31_0.mp4");

    Map<String, JsonNode> run(Path dir, Map<String, String> extra) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (String f : PEDESTRIANS) {
            Files.copy(TestData.require("videos/kerberos/" + f), in.resolve(f));
        }
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of(
                "MODEL_PATH", TestData.require("models/yolov8n_int8.onnx").toString(), "NUMBER_OF_PREDICTIONS", "5",
                "RESULT_FORMAT", "hub", "CONCURRENCY", "1"))); // one at a time: the recordings in their order
        env.putAll(extra);
        assertEquals(0, LocalModeTest.run(env));
        Map<String, JsonNode> byKey = new TreeMap<>();
        LocalModeTest.lines(dir.resolve("results.jsonl")).forEach(r -> byKey.put(r.at("/payload/key").asText(),
                r.get("data")));
        return byKey;
    }

    @Test
    void parkedVehiclesAreStaticFromTheSecondRecordingOnAndPeopleStillCount(@TempDir Path dir) throws Exception {
        Map<String, JsonNode> off = run(dir.resolve("off"), Map.of());
        Map<String, JsonNode> memory = run(dir.resolve("memory"), Map.of("STATIONARY_MEMORY", "memory"));
        StringBuilder table = new StringBuilder();
        for (int i = 0; i < PEDESTRIANS.size(); i++) {
            JsonNode without = off.get(PEDESTRIANS.get(i));
            JsonNode with = memory.get(PEDESTRIANS.get(i));
            assertTrue(vehicles(without.get("properties")) >= 2, "the parked vehicles count without memory: " + without);
            int people = count(without.get("properties"), "pedestrian");
            assertEquals(people, count(with.get("properties"), "pedestrian"), "people still count");
            if (i == 0) {
                assertEquals(without.get("properties"), with.get("properties"), "first recording: nothing known yet");
            } else {
                assertEquals(0, vehicles(with.get("properties")), "static from the second recording: " + with);
                for (JsonNode d : with.get("details")) {
                    boolean vehicle = List.of("car", "lorry", "bus").contains(d.get("classified").asText());
                    assertEquals(vehicle, d.get("isStatic").asBoolean(), d.toString());
                }
            }
            table.append(String.format("[stationary]   %s objectCount %d without memory, %d with%n",
                    PEDESTRIANS.get(i).substring(0, 10), without.get("objectCount").asInt(),
                    with.get("objectCount").asInt()));
        }
        System.out.print(table);
    }

    @Test
    void aCameraOverACarParkForwardsOnlyTheFirstRecordingOfItsParkedCars(@TempDir Path dir, WireMockRuntimeInfo wm)
            throws Exception {
        stubFor(post("/hook").willReturn(ok()));
        Map<String, String> vehiclesOnly = Map.of("ALLOWED_CLASSIFICATIONS", "car,truck,bus",
                "WEBHOOK_URL", wm.getHttpBaseUrl() + "/hook", "FORWARDING_OBJECT_THRESHOLD", "1");
        run(dir.resolve("off"), vehiclesOnly);
        ForwardingTest.settle(wm, 3);
        int withoutMemory = wm.getWireMock().find(postRequestedFor(urlEqualTo("/hook"))).size();
        wm.getWireMock().resetRequests();
        Map<String, String> withMemory = new HashMap<>(vehiclesOnly);
        withMemory.put("STATIONARY_MEMORY", "memory");
        run(dir.resolve("memory"), withMemory);
        ForwardingTest.settle(wm, 1);
        int withMemoryForwarded = wm.getWireMock().find(postRequestedFor(urlEqualTo("/hook"))).size();
        assertEquals(3, withoutMemory, "every recording of the car park is forwarded without memory");
        assertEquals(1, withMemoryForwarded, "only the first, with memory");
        assertFalse(withMemoryForwarded == withoutMemory);
        System.out.printf("StationaryTest: pedestrians camera, vehicles only: %d of 3 recordings forwarded without "
                + "memory, %d with%n", withoutMemory, withMemoryForwarded);
    }

    private static int count(JsonNode properties, String label) {
        int n = 0;
        for (JsonNode p : properties) {
            n += p.asText().equals(label) ? 1 : 0;
        }
        return n;
    }

    private static int vehicles(JsonNode properties) {
        return count(properties, "car") + count(properties, "lorry") + count(properties, "bus");
    }
}
