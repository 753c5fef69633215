package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.charset.StandardCharsets;
import io.vaultml.test.Await;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The original vault-ml settings through the worker process on a real broker: five frames spread over each
 * recording (too far apart to track), threshold 1, media forwarding, MOVE_DISTANCE=0. Every recording that shows
 * a person or a vehicle is forwarded once, after its result was published, and the Hub result counts what it saw.
 */
class SparseSamplingIT extends KafkaScenario {

    @Test
    void originalSettingsCountAndForwardWhatTheSparseFramesShow() throws Exception {
        topics(1);
        vault.stubFor(post("/api/storage/forward/media").willReturn(ok()));
        for (String f : RECORDINGS) {
            send(good(f));
        }
        // People and vehicles are what this user cares about; without the filter, the parking recordings' false
        // positives (a cup, a spoon) would count as objects too, as they would have in the original worker.
        Process worker = worker(env(Map.of("NUMBER_OF_PREDICTIONS", "5", "FORWARDING_OBJECT_THRESHOLD", "1",
                "FORWARDING_MEDIA", "true", "MOVE_DISTANCE", "0", "ALLOWED_CLASSIFICATIONS",
                "person,bicycle,car,motorcycle,bus,truck", "MODEL_PATH",
                io.vaultml.test.TestData.require("models/yolov8n_int8.onnx").toString())), "sparse");
        Map<String, JsonNode> results = new TreeMap<>();
        Map<String, Long> publishedAt = new HashMap<>();
        try (Outcomes out = new Outcomes(kafka)) {
            out.readUntil(() -> out.publishedCounts().size() == RECORDINGS.length, Duration.ofSeconds(180));
            for (ConsumerRecord<byte[], byte[]> r : out.published) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                results.put(key, KafkaWorkerIT.JSON.readTree(r.value()));
                publishedAt.put(key, r.timestamp());
            }
            assertEquals(0, out.dead.size(), out.reasons().toString());
        }
        assertEquals(RECORDINGS.length, results.size(), this::logs);
        // WireMock journals a request just after answering it: wait until it holds a forward for every result
        // that should have one (more would show below as a count of 2).
        long due = results.values().stream().filter(SparseSamplingIT::worthForwarding).count();
        Await.until(() -> vault.findAll(postRequestedFor(urlEqualTo("/api/storage/forward/media"))).size() >= due,
                Duration.ofSeconds(10), () -> "forwards journaled: fewer than " + due);
        Map<String, Integer> forwards = new TreeMap<>();
        for (LoggedRequest request : vault.findAll(postRequestedFor(urlEqualTo("/api/storage/forward/media")))) {
            String key = request.getHeader("X-Kerberos-Storage-FileName");
            forwards.merge(key, 1, Integer::sum);
            assertTrue(request.getLoggedDate().getTime() >= publishedAt.get(key),
                    key + " forwarded before its result was published");
        }
        StringBuilder table = new StringBuilder();
        for (Map.Entry<String, JsonNode> e : results.entrySet()) {
            JsonNode data = e.getValue().get("data");
            int count = data.get("objectCount").asInt();
            assertEquals(count, data.get("details").size(), "objectCount agrees with details: " + e.getKey());
            assertEquals(count, data.get("properties").size(), "properties agree with details: " + e.getKey());
            boolean seen = worthForwarding(e.getValue());
            assertEquals(seen ? 1 : 0, forwards.getOrDefault(e.getKey(), 0),
                    e.getKey() + ": forwarded once exactly when a person or vehicle was seen");
            for (JsonNode d : data.get("details")) {
                assertEquals(1, d.get("occurence").asInt());
                assertEquals(0.0, d.get("distance").asDouble());
                assertEquals(1, d.get("traject").size());
            }
            table.append(String.format("[sparse]   %-62s objectCount %2d %s, forwarded %d%n", e.getKey(), count,
                    data.get("properties"), forwards.getOrDefault(e.getKey(), 0)));
        }
        System.out.print(table);
        JsonNode pedestrians = results.get("cam-user/1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4");
        assertTrue(pedestrians.at("/data/objectCount").asInt() >= 3, pedestrians.toString());
        worker.destroy();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, worker.exitValue(), this::logs);
        assertFalse(logs().contains("Moving-object filtering needs CLASSIFICATION_FPS"),
                "MOVE_DISTANCE=0: nothing to warn about");
    }

    /** A person or a vehicle was seen: FORWARDING_OBJECT_THRESHOLD=1 over those labels forwards the recording. */
    static boolean worthForwarding(JsonNode result) {
        return result.get("data").get("properties").toString()
                .matches(".*\"(pedestrian|car|lorry|bus|cyclist|motorcycle)\".*");
    }
}
