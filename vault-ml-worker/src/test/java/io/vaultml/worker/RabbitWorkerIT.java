package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.vaultml.test.Await;
import io.vaultml.rabbitmq.RabbitBroker;
import io.vaultml.test.TestData;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged worker as its own process on the real RabbitMQ broker, with Vault served by WireMock: every good
 * recording published to QUEUE_TARGET, the hopeless ones dead-lettered with reasons, the input queue drained with
 * nothing unacknowledged, through a broker restart and through a SIGKILL of the worker, with no secret in any log.
 */
class RabbitWorkerIT {
    /** The worker takes at most this many deliveries at once (2 x CONCURRENCY): all a crash may duplicate. */
    static final int MAX_IN_FLIGHT = 4;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String input = "it-recordings-" + run;
    final String target = "it-results-" + run;
    final String deadLetters = input + "-dead-letter";
    final String user = "vaultml-it-" + run;
    final String password = "rabbit-secret-" + UUID.randomUUID();
    final String vaultSecret = "vault-secret-" + UUID.randomUUID();
    WireMockServer vault;
    Connection connection;
    Channel admin;
    Set<String> keys = new TreeSet<>();

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        URI broker = RabbitBroker.require();
        Assumptions.assumeTrue(RabbitBroker.rabbitmqctl().isPresent(), "SKIPPED: rabbitmqctl not installed here, "
                + "needed to add a user and restart the broker");
        // A user of its own, so the test can prove its password never reaches a log.
        RabbitBroker.ctl("add_user", user, password);
        RabbitBroker.ctl("set_permissions", "-p", "/", user, ".*", ".*", ".*");
        ConnectionFactory f = new ConnectionFactory();
        f.setUri(broker);
        f.setAutomaticRecoveryEnabled(true);
        connection = f.newConnection("rabbit-worker-it");
        admin = connection.createChannel();
        for (String q : List.of(input, target, deadLetters)) {
            admin.queueDeclare(q, true, false, false, Map.of("x-queue-type", "quorum"));
        }
        vault = new WireMockServer(options().dynamicPort());
        vault.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (vault != null) {
            vault.stop();
        }
        if (connection != null) {
            Channel ch = connection.createChannel();
            for (String q : List.of(input, target, deadLetters)) {
                ch.queueDelete(q);
            }
            connection.close();
            RabbitBroker.ctl("delete_user", user);
        }
    }

    @Test
    void everythingIsPublishedOrDeadLetteredThroughABrokerRestart() throws Exception {
        Path dir = WorkerProcesses.logDir("RabbitWorkerIT-restart");
        publishRecordings();
        publish("u/corrupt.mp4", Files.readAllBytes(TestData.require("videos/corrupt/random_bytes.mp4")));
        send("this is not JSON".getBytes(StandardCharsets.UTF_8));
        int metricsPort = freePort();
        Map<String, String> env = env();
        env.put("METRICS_PORT", String.valueOf(metricsPort));
        Process worker = WorkerProcesses.start(env, dir.resolve("worker.log"));
        try {
            List<GetResponse> results = new ArrayList<>();
            List<GetResponse> dead = new ArrayList<>();
            Await.repeatWhile(() -> results.isEmpty() && worker.isAlive(), Duration.ofSeconds(120), () -> {
                drain(target, results);
            });
            assertFalse(results.isEmpty(), () -> WorkerProcesses.logs(dir));
            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("vaultml_queue_messages_ready"), metrics);

            // The broker application stops and starts again while recordings are in flight.
            RabbitBroker.ctl("stop_app");
            Thread.sleep(3000);
            RabbitBroker.ctl("start_app");
            RabbitBroker.ctl("await_startup");
            Await.repeatWhile(() -> (keysOf(results).size() < keys.size() || dead.size() < 2) && worker.isAlive(),
                    Duration.ofSeconds(240), () -> {
                        drain(target, results);
                        drain(deadLetters, dead);
                    });
            if (keysOf(results).size() < keys.size() || dead.size() < 2) {
                WorkerProcesses.threadDump(worker);
            }
            assertTrue(worker.isAlive(), () -> "the worker died: " + WorkerProcesses.logs(dir));
            assertEquals(keys, keysOf(results), () -> WorkerProcesses.logs(dir));
            assertTrue(results.size() - keys.size() <= MAX_IN_FLIGHT, "only what was in flight is published twice: "
                    + results.size());
            assertEquals(2, dead.size(), () -> WorkerProcesses.logs(dir));
            Set<String> stages = new TreeSet<>();
            for (GetResponse d : dead) {
                Map<String, Object> h = d.getProps().getHeaders();
                stages.add(h.get("vaultml-dlq-stage").toString());
                assertFalse(h.get("vaultml-dlq-reason").toString().isBlank());
            }
            assertEquals(Set.of("decode", "parse"), stages);
            // The last acknowledgement follows its result by a moment.
            Await.until(() -> queueCounts(input).equals("0\t0"), Duration.ofSeconds(15),
                    () -> "input queue ready/unacknowledged: " + queueCounts(input));
        } finally {
            worker.destroy();
            assertTrue(worker.waitFor(90, TimeUnit.SECONDS));
        }
        assertEquals(0, worker.exitValue(), () -> WorkerProcesses.logs(dir));
        String log = Files.readString(dir.resolve("worker.log"));
        assertTrue(log.contains("recovered"), "the log tells of the recovery");
        assertFalse(log.contains(password), "RabbitMQ password in the log");
        assertFalse(log.contains(vaultSecret), "Vault secret in the log");
    }

    @Test
    void aKilledWorkerLosesNothing() throws Exception {
        Path dir = WorkerProcesses.logDir("RabbitWorkerIT-sigkill");
        publishRecordings();
        List<GetResponse> results = new ArrayList<>();
        Process first = WorkerProcesses.start(env(), dir.resolve("first.log"));
        Await.repeatWhile(() -> results.isEmpty() && first.isAlive(), Duration.ofSeconds(120), () -> {
            drain(target, results);
        });
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no acknowledgement, no requeue by the worker
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        assertTrue(keysOf(results).size() < keys.size(), "the kill came after everything was done");

        Process second = WorkerProcesses.start(env(), dir.resolve("second.log"));
        try {
            Await.repeatWhile(() -> keysOf(results).size() < keys.size() && second.isAlive(), Duration.ofSeconds(240), () -> {
                drain(target, results);
            });
            if (keysOf(results).size() < keys.size()) {
                WorkerProcesses.threadDump(second);
            }
            assertEquals(keys, keysOf(results), () -> WorkerProcesses.logs(dir));
            assertTrue(results.size() - keys.size() <= MAX_IN_FLIGHT, "only what was in flight is published twice: "
                    + results.size());
            // The last acknowledgement follows its result by a moment.
            Await.until(() -> queueCounts(input).equals("0\t0"), Duration.ofSeconds(15),
                    () -> "input queue ready/unacknowledged: " + queueCounts(input));
        } finally {
            second.destroy();
            assertTrue(second.waitFor(90, TimeUnit.SECONDS));
        }
        assertEquals(0, second.exitValue(), () -> WorkerProcesses.logs(dir));
    }

    private Map<String, String> env() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "RABBITMQ", "QUEUE_NAME", input,
                "QUEUE_TARGET", target, "RABBITMQ_HOST", "127.0.0.1:5672", "RABBITMQ_USERNAME", user,
                "RABBITMQ_PASSWORD", password, "METRICS_PORT", "0", "SHUTDOWN_TIMEOUT", "60s"));
        env.putAll(Map.of("VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "a", "VAULT_SECRET_KEY",
                vaultSecret, "MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(), "DEVICE", "cpu",
                "CLASSIFICATION_FPS", "4", "RETRY_BACKOFF", "200ms", "RETRY_BACKOFF_MAX", "1s"));
        return env;
    }

    private void publishRecordings() throws Exception {
        try (Stream<Path> files = Files.list(TestData.require("videos/kerberos"))) {
            for (Path f : files.sorted().toList()) {
                String key = "u/" + f.getFileName();
                keys.add(key);
                publish(key, Files.readAllBytes(f));
            }
        }
    }

    private void publish(String key, byte[] media) throws Exception {
        vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                .willReturn(ok().withBody(media)));
        send(("{\"source\":\"s3\",\"payload\":{\"key\":\"" + key + "\",\"fileSize\":" + media.length + "}}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private void send(byte[] body) throws Exception {
        admin.basicPublish("", input, new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).build(), body);
    }

    private void drain(String queue, List<GetResponse> into) throws Exception {
        GetResponse r;
        try {
            if (!admin.isOpen() && connection.isOpen()) {
                admin = connection.createChannel();
            }
            r = admin.basicGet(queue, true);
        } catch (Exception brokerRestarting) {
            r = null;
        }
        if (r == null) {
            Thread.sleep(200);
        } else {
            into.add(r);
        }
    }

    /** Messages ready and unacknowledged in the queue, as rabbitmqctl counts them. */
    private static String queueCounts(String queue) {
        for (String line : RabbitBroker.ctl("list_queues", "-q", "--no-table-headers", "name", "messages_ready",
                "messages_unacknowledged").split("\n")) {
            if (line.startsWith(queue + "\t")) {
                return line.substring(queue.length() + 1).trim();
            }
        }
        return "queue " + queue + " not listed";
    }

    private static Set<String> keysOf(List<GetResponse> messages) {
        Set<String> out = new TreeSet<>();
        messages.forEach(m -> out.add(m.getProps().getHeaders().get("vaultml-key").toString()));
        return out;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
