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
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.redis.LocalRedis;
import io.vaultml.test.TestData;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
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
        return run(dir, extra, null);
    }

    Map<String, JsonNode> run(Path dir, Map<String, String> extra, Probe probe) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        for (String f : PEDESTRIANS) {
            Files.copy(TestData.require("videos/kerberos/" + f), in.resolve(f));
        }
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of(
                "MODEL_PATH", TestData.require("models/yolov8n_int8.onnx").toString(), "NUMBER_OF_PREDICTIONS", "5",
                "RESULT_FORMAT", "hub", "CONCURRENCY", "1"))); // one at a time: the recordings in their order
        env.putAll(extra);
        if (probe == null) {
            assertEquals(0, LocalModeTest.run(env));
        } else {
            try (WorkerApp app = WorkerApp.create(ConfigSource.of(env))) {
                assertEquals(0, app.run());
                probe.ask();
            }
        }
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

    @Test
    void redisRemembersWhatTheInProcessMemoryDoesAndRedisExpiresIt(@TempDir Path dir) throws Exception {
        URI redis = LocalRedis.require();
        String prefix = "vault-ml-test:" + UUID.randomUUID() + ":";
        Map<String, JsonNode> memory = run(dir.resolve("memory"), Map.of("STATIONARY_MEMORY", "memory"));
        Map<String, JsonNode> shared = run(dir.resolve("redis"), Map.of("STATIONARY_MEMORY", "redis",
                "REDIS_URL", redis.toString(), "REDIS_KEY_PREFIX", prefix, "STATIONARY_TTL", "10m"));
        assertEquals(memory, shared, "the same marks, counts and zones");
        try (Jedis raw = new Jedis(redis)) {
            long ttl = raw.pttl(prefix + "pedestrians");
            assertTrue(ttl > 0 && ttl <= 600_000, "one key for the camera, expiring with STATIONARY_TTL: " + ttl);
            raw.del(prefix + "pedestrians");
        }
    }

    @Test
    void aRedisThatIsDownCostsNoResultAndIsShownOnceInLogsHealthAndMetrics(@TempDir Path dir) throws Exception {
        int dead = LocalRedis.deadPort();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        Map<String, JsonNode> off;
        Map<String, JsonNode> down;
        String[] probed = new String[3];
        int port = LocalModeTest.freePort();
        try {
            off = run(dir.resolve("off"), Map.of());
            down = run(dir.resolve("down"), Map.of("STATIONARY_MEMORY", "redis", "METRICS_PORT", String.valueOf(port),
                    "REDIS_URL", "redis://vault:s3cret-pass@127.0.0.1:" + dead + "/0", "REDIS_TIMEOUT", "500ms"),
                    () -> { // after the run, while the worker's endpoints still answer
                        HttpClient http = HttpClient.newHttpClient();
                        HttpResponse<String> h = LocalModeTest.get(http, port, "/healthz");
                        probed[0] = String.valueOf(h.statusCode());
                        probed[1] = h.body();
                        probed[2] = LocalModeTest.get(http, port, "/metrics").body();
                    });
        } finally {
            root.detachAppender(logs);
        }
        int healthStatus = Integer.parseInt(probed[0]);
        String health = probed[1];
        String metrics = probed[2];
        for (String key : off.keySet()) {
            assertEquals(off.get(key).get("properties"), down.get(key).get("properties"), "counted as with it off");
            assertEquals(off.get(key).get("objectCount"), down.get(key).get("objectCount"));
        }
        assertEquals(200, healthStatus, "liveness never fails for it: " + health);
        assertTrue(health.startsWith("ok\nstationary memory: Redis at 127.0.0.1:" + dead + " (database 0) unavailable"),
                health);
        assertTrue(metrics.contains("vaultml_stationary_store_available{store=\"Redis at 127.0.0.1:" + dead
                + " (database 0)\"} 0.0"), metrics);
        assertTrue(metrics.matches("(?s).*vaultml_stationary_store_failures_total\\{[^}]*\\} [1-9].*"), metrics);
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(1, lines.stream().filter(l -> l.contains("cannot be used")).count(), "logged once");
        assertTrue(lines.stream().noneMatch(l -> l.contains("s3cret")), "no password in any log line");
        assertFalse(health.contains("s3cret") || metrics.contains("s3cret"));
    }

    @Test
    void aStoreThatCannotWorkIsAStartupProblemNamingNoPassword(@TempDir Path dir) {
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of()));
        env.put("STATIONARY_MEMORY", "redis");
        env.put("REDIS_URL", "http://vault:s3cret@127.0.0.1:6379/x");
        io.vaultml.api.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.vaultml.api.ConfigException.class, () -> WorkerApp.create(ConfigSource.of(env)));
        assertEquals(List.of("REDIS_URL must start with redis:// or rediss://, not http:",
                "REDIS_URL's path must be a database number, for example /0"), e.problems());
        assertFalse(e.getMessage().contains("s3cret"));
        env.put("STATIONARY_MEMORY", "etcd");
        e = org.junit.jupiter.api.Assertions.assertThrows(io.vaultml.api.ConfigException.class,
                () -> WorkerApp.create(ConfigSource.of(env)));
        assertEquals(List.of("STATIONARY_MEMORY: No stationary store provider named 'etcd'. Available: memory, redis"),
                e.problems());
    }

    /** Something asked of a worker after its run, before it is closed. */
    interface Probe {
        void ask() throws Exception;
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
