package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.redis.LocalRedis;
import io.vaultml.test.Await;
import io.vaultml.test.TestData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Two worker processes share the memory of parked objects through the machine's Redis
 * ({@code STATIONARY_MEMORY=redis}): both run at once, each gets different recordings of the pedestrians camera
 * (the first and the third to one, the second to the other), and the one that never saw the first recording still
 * knows the parked van and car of it.
 */
class StationaryRedisIT {

    @Test
    void twoWorkersSharingRedisEachKnowWhatTheOtherSawParked() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: " + WorkerProcessIT.JAR
                + " not built (run mvn verify)");
        URI redis = LocalRedis.require();
        String prefix = "vault-ml-test:" + UUID.randomUUID() + ":";
        Path dir = Files.createTempDirectory("stationary-redis");
        Path logs = WorkerProcesses.logDir("StationaryRedisIT");
        Process a = start(dir.resolve("a"), redis, prefix, logs.resolve("worker-a.log"));
        Process b = start(dir.resolve("b"), redis, prefix, logs.resolve("worker-b.log"));
        try {
            List<String> rec = StationaryTest.PEDESTRIANS;
            JsonNode first = analyse(a, dir.resolve("a"), rec.get(0), logs);
            JsonNode second = analyse(b, dir.resolve("b"), rec.get(1), logs);
            JsonNode third = analyse(a, dir.resolve("a"), rec.get(2), logs);

            assertTrue(vehicles(first) >= 2, "the first recording counts the parked vehicles: " + first);
            for (JsonNode later : List.of(second, third)) {
                assertEquals(0, vehicles(later), "static in the other worker too: " + later);
                assertTrue(later.get("properties").toString().contains("pedestrian"), "people still count");
                for (JsonNode d : later.get("details")) {
                    boolean vehicle = List.of("car", "lorry", "bus").contains(d.get("classified").asText());
                    assertEquals(vehicle, d.get("isStatic").asBoolean(), d.toString());
                }
            }
            System.out.printf("StationaryRedisIT: objectCount %d (worker A), %d (worker B), %d (worker A)%n",
                    first.get("objectCount").asInt(), second.get("objectCount").asInt(),
                    third.get("objectCount").asInt());
        } finally {
            for (Process p : List.of(a, b)) {
                p.destroy(); // SIGTERM: a graceful stop
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), WorkerProcesses.logs(logs));
                assertEquals(0, p.exitValue(), WorkerProcesses.logs(logs));
            }
            try (Jedis raw = new Jedis(redis)) {
                raw.del(prefix + "pedestrians");
            }
        }
    }

    private static Process start(Path dir, URI redis, String prefix, Path log) throws IOException {
        Files.createDirectories(dir.resolve("in"));
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of(
                "MODEL_PATH", TestData.require("models/yolov8n_int8.onnx").toString(), "NUMBER_OF_PREDICTIONS", "5",
                "RESULT_FORMAT", "hub", "CONCURRENCY", "1", "RUN_ONCE", "false", "WATCH_INTERVAL", "200ms",
                "STATIONARY_MEMORY", "redis", "REDIS_URL", redis.toString(), "REDIS_KEY_PREFIX", prefix)));
        return WorkerProcesses.start(env, log);
    }

    /** Hands one recording to a running worker and waits for its result. */
    private static JsonNode analyse(Process worker, Path dir, String recording, Path logs) throws Exception {
        Path staged = dir.resolve(recording + ".part");
        Files.copy(TestData.require("videos/kerberos/" + recording), staged);
        // Moved in whole, so the watcher never sees half a file.
        Files.move(staged, dir.resolve("in").resolve(recording), StandardCopyOption.ATOMIC_MOVE);
        Path results = dir.resolve("results.jsonl");
        Await.until(() -> !worker.isAlive() || result(results, recording) != null, Duration.ofSeconds(120),
                () -> WorkerProcesses.logs(logs));
        assertTrue(worker.isAlive(), WorkerProcesses.logs(logs));
        return result(results, recording).get("data");
    }

    private static JsonNode result(Path results, String recording) {
        try {
            return LocalModeTest.lines(results).stream()
                    .filter(r -> r.at("/payload/key").asText().equals(recording)).findFirst().orElse(null);
        } catch (IOException | AssertionError halfWritten) {
            return null; // the worker is writing that line now: the next poll reads it whole
        }
    }

    private static int vehicles(JsonNode data) {
        int n = 0;
        for (JsonNode p : data.get("properties")) {
            n += List.of("car", "lorry", "bus").contains(p.asText()) ? 1 : 0;
        }
        return n;
    }
}
