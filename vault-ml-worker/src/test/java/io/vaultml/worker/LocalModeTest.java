package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultml.api.ConfigException;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.TestData;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker in-process in LOCAL mode: real recordings, real model, real files. */
class LocalModeTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String PEDESTRIANS = "1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4";
    static final String HIGHWAY = "1630567591_6-967003_highway_200-200-400-400_24_769.mp4";

    static Map<String, String> env(Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "WATCH_DIR", dir.resolve("in").toString(),
                "STATE_DIR", dir.resolve("state").toString(),
                "RESULTS_FILE", dir.resolve("results.jsonl").toString(),
                "METRICS_PORT", "0",
                "RUN_ONCE", "true",
                "MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(),
                "DEVICE", "cpu"));
        env.putAll(extra);
        return env;
    }

    static Path stage(Path dir) throws IOException {
        Path in = Files.createDirectories(dir.resolve("in/camera1"));
        Path videos = TestData.require("videos/kerberos");
        Files.copy(videos.resolve(PEDESTRIANS), in.resolve(PEDESTRIANS));
        Files.copy(videos.resolve(HIGHWAY), in.resolve(HIGHWAY));
        Files.copy(TestData.require("videos/corrupt/random_bytes.mp4"), in.resolve("broken.mp4"));
        Files.write(in.resolve("empty.mp4"), new byte[0]);
        Files.writeString(in.resolve("notes.txt"), "not a recording");
        return in;
    }

    static List<JsonNode> lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(l -> {
            try {
                return JSON.readTree(l);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }

    static int run(Map<String, String> env) {
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(env))) {
            return app.run();
        }
    }

    @Test
    void everyRecordingEndsAsAResultOrADeadLetterAndIsNotProcessedTwice(@TempDir Path dir) throws IOException {
        stage(dir);
        Map<String, String> env = env(dir, Map.of("RESULT_FORMAT", "hub", "CLASSIFICATION_FPS", "1"));
        assertEquals(0, run(env));

        List<JsonNode> results = lines(dir.resolve("results.jsonl"));
        Set<String> keys = new TreeSet<>();
        results.forEach(r -> keys.add(r.at("/payload/key").asText()));
        assertEquals(Set.of("camera1/" + PEDESTRIANS, "camera1/" + HIGHWAY), keys);
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            assertEquals("classify", r.get("operation").asText());
            assertEquals("local", r.get("source").asText());
            assertTrue(r.at("/data/objectCount").asInt() >= 1, r.toString());
            assertTrue(r.at("/data/details").size() >= 1);
        }
        JsonNode pedestrians = results.stream().filter(r -> r.at("/payload/key").asText().endsWith(PEDESTRIANS))
                .findFirst().orElseThrow();
        assertEquals("pedestrians", pedestrians.at("/payload/metadata/event-instancename").asText());
        assertTrue(pedestrians.at("/data/properties").toString().contains("pedestrian"), "the Hub's word");

        List<JsonNode> dead = lines(dir.resolve("state/dead-letters.jsonl"));
        assertEquals(2, dead.size());
        Map<String, String> reasons = new HashMap<>();
        dead.forEach(d -> reasons.put(d.get("key").asText(), d.get("reason").asText()));
        assertEquals("Recording camera1/broken.mp4 is not a readable video: Invalid data found when processing input",
                reasons.get("camera1/broken.mp4"));
        assertEquals("Recording camera1/empty.mp4 is empty (0 bytes)", reasons.get("camera1/empty.mp4"));
        dead.forEach(d -> {
            assertEquals("decode", d.get("stage").asText());
            assertEquals("io.vaultml.api.UnprocessableInputException", d.get("exception").asText());
            assertTrue(d.get("message").asText().contains("\"payload\""), "original event kept: " + d);
        });
        assertEquals(4, Files.readAllLines(dir.resolve("state/processed.txt")).size());

        // A restart remembers what was done: nothing is processed again.
        assertEquals(0, run(env));
        assertEquals(2, lines(dir.resolve("results.jsonl")).size());
        assertEquals(2, lines(dir.resolve("state/dead-letters.jsonl")).size());
    }

    @Test
    void legacyFormatHasOneEntryPerAnalysedFrame(@TempDir Path dir) throws IOException {
        stage(dir);
        assertEquals(0, run(env(dir, Map.of("NUMBER_OF_PREDICTIONS", "4", "TRACKING", "false"))));
        for (JsonNode r : lines(dir.resolve("results.jsonl"))) {
            assertEquals("classification", r.get("operation").asText());
            assertEquals(4, r.at("/data/probabilities").size());
            assertEquals(4, r.at("/data/labels").size());
            assertEquals(4, r.at("/data/boxes").size());
            for (JsonNode frame : r.at("/data/boxes")) {
                for (JsonNode box : frame) {
                    assertTrue(box.get(2).asInt() > box.get(0).asInt() && box.get(3).asInt() > box.get(1).asInt());
                }
            }
        }
    }

    @Test
    void metricsAndProbesAreServed(@TempDir Path dir) throws Exception {
        stage(dir);
        int port = freePort();
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<String> metrics = new AtomicReference<>();
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(env(dir, Map.of("METRICS_PORT", String.valueOf(port)))))) {
            assertEquals(200, get(http, port, "/readyz").statusCode());
            assertEquals(0, app.run());
            assertEquals(200, get(http, port, "/healthz").statusCode());
            metrics.set(get(http, port, "/metrics").body());
        }
        String body = metrics.get();
        for (String stage : List.of("fetch", "decode", "detect", "track", "publish")) {
            assertTrue(body.contains("vaultml_stage_seconds_count{stage=\"" + stage + "\"}"), stage + " timer missing");
        }
        assertTrue(body.contains("vaultml_results_total 2.0"), body);
        assertTrue(body.contains("vaultml_dead_letters_total{stage=\"decode\"} 2.0"), body);
        assertTrue(body.contains("vaultml_recordings_in_flight 0.0"), body);
    }

    /** Runs the worker once with a metrics port and returns what {@code /metrics} served after the run. */
    static String runAndScrape(Map<String, String> env) throws Exception {
        int port = freePort();
        Map<String, String> withPort = new HashMap<>(env);
        withPort.put("METRICS_PORT", String.valueOf(port));
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(withPort))) {
            assertEquals(0, app.run());
            return get(HttpClient.newHttpClient(), port, "/metrics").body();
        }
    }

    @Test
    void truncatedRecordingsArePublishedWithTheFramesBeforeTheCutAndCounted(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/camera1"));
        Path corrupt = TestData.require("videos/corrupt");
        for (String name : List.of("truncated_30pct_faststart.mp4", "truncated_30pct_fragmented.mp4",
                "truncated_30pct_moov_at_end.mp4")) {
            Files.copy(corrupt.resolve(name), in.resolve(name));
        }
        String metrics = runAndScrape(env(dir, Map.of("NUMBER_OF_PREDICTIONS", "5", "TRACKING", "false")));

        // The two that open give results; the packet scan finds where the data ends, so the 5 samples are
        // spread over the frames that are there.
        Map<String, Integer> framesByKey = new HashMap<>();
        lines(dir.resolve("results.jsonl")).forEach(r -> framesByKey.put(r.at("/payload/key").asText(),
                r.at("/data/labels").size()));
        assertEquals(Map.of("camera1/truncated_30pct_faststart.mp4", 5, "camera1/truncated_30pct_fragmented.mp4", 5),
                framesByKey);
        assertTrue(metrics.contains("vaultml_recordings_truncated_total 2.0"), metrics);
        assertTrue(metrics.contains("vaultml_results_total 2.0"), metrics);

        // The one whose index was cut off cannot be opened at all: a dead letter naming it.
        List<JsonNode> dead = lines(dir.resolve("state/dead-letters.jsonl"));
        assertEquals(1, dead.size());
        assertEquals("Recording camera1/truncated_30pct_moov_at_end.mp4 is not a readable video: "
                + "Invalid data found when processing input", dead.get(0).get("reason").asText());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badSettingsAreReportedTogetherBeforeAnythingStarts(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerApp.create(ConfigSource.of(Map.of(
                "NUMBER_OF_PREDICTIONS", "many", "MOVE_DISTANCE", "-5", "DEVICE", "tpu", "RESULT_FORMAT", "xml",
                "METRICS_PORT", "0"))));
        assertEquals(4, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().contains("Invalid value 'many' for NUMBER_OF_PREDICTIONS: must be an integer"));
        assertTrue(e.problems().contains("Invalid value 'tpu' for DEVICE: must be one of auto, cpu, cuda"));
    }

    @Test
    void unknownDetectorAndIncompleteTransportsFailClearly(@TempDir Path dir) throws IOException {
        stage(dir);
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> WorkerApp.create(ConfigSource.of(env(dir, Map.of("DETECTOR", "yolo9000")))));
        assertTrue(unknown.getMessage().startsWith("No detector provider named 'yolo9000'. Available: "),
                unknown.getMessage());
        ConfigException sqs = assertThrows(ConfigException.class,
                () -> WorkerApp.create(ConfigSource.of(env(dir, Map.of("QUEUE_SYSTEM", "SQS")))));
        // All at once: the transport's own settings, then the Vault account that SQS events need to download.
        assertEquals(List.of("QUEUE_NAME is required for QUEUE_SYSTEM=SQS", "QUEUE_TARGET is required for QUEUE_SYSTEM=SQS",
                "VAULT_API_URL is required for downloading recordings",
                "VAULT_ACCESS_KEY is required for downloading recordings",
                "VAULT_SECRET_KEY is required for downloading recordings"), sqs.problems());
    }

    @Test
    void theFakeDetectorFromTheTestKitCanBeSelectedByName(@TempDir Path dir) throws IOException {
        stage(dir);
        assertEquals(0, run(env(dir, Map.of("DETECTOR", "fake", "FAKE_DETECTOR_LABEL", "bright"))));
        List<JsonNode> results = lines(dir.resolve("results.jsonl"));
        assertEquals(2, results.size());
        assertFalse(results.get(0).at("/data/labels").toString().contains("person"));
        assertTrue(results.get(0).at("/data/labels").toString().contains("bright"));
    }
}
