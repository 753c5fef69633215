package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The worker image end to end on the machine's RabbitMQ, run as the manifests run it (user 10001, read-only root
 * file system, /tmp writable, the model mounted read-only) with host networking to reach the broker and WireMock as
 * Vault: every recording published once, the input queue drained with nothing unacknowledged, exit 0 on SIGTERM.
 * Needs Podman and the image {@code vault-ml:cpu} ({@code scripts/image-test.sh} builds it); skips without them
 * unless {@code VAULT_ML_REQUIRE_IMAGE=true} (CI).
 */
class ImageRabbitIT {
    static final String IMAGE = Podman.CPU_IMAGE;

    @Test
    void theImageConsumesFromRabbitMqAndPublishesEveryRecordingOnce() throws Exception {
        Podman.requireImage(IMAGE);
        RabbitBroker.require();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String input = "image-in-" + run;
        String target = "image-out-" + run;
        Path models = TestData.require("models");
        WireMockServer vault = new WireMockServer(options().dynamicPort());
        vault.start();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RabbitBroker.require());
        String container = "vault-ml-image-it-" + run;
        try (Connection connection = factory.newConnection("image-it"); Channel ch = connection.createChannel()) {
            for (String q : List.of(input, target, input + "-dead-letter")) {
                ch.queueDeclare(q, true, false, false, Map.of("x-queue-type", "quorum"));
            }
            List<String> keys = new ArrayList<>();
            try (Stream<Path> files = Files.list(TestData.require("videos/kerberos"))) {
                for (Path f : files.sorted().toList()) {
                    String key = "cam/" + f.getFileName();
                    byte[] media = Files.readAllBytes(f);
                    keys.add(key);
                    vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                            .willReturn(ok().withBody(media)));
                    ch.basicPublish("", input, new AMQP.BasicProperties.Builder().contentType("application/json")
                            .deliveryMode(2).build(), ("{\"source\":\"s3\",\"payload\":{\"key\":\"" + key
                            + "\",\"fileSize\":" + media.length + "}}").getBytes(StandardCharsets.UTF_8));
                }
            }
            Path log = WorkerProcesses.logDir("ImageRabbitIT").resolve("container.log");
            Process worker = new ProcessBuilder("podman", "run", "--rm", "--name", container, "--network=host",
                    "--user", "10001", "--read-only", "--tmpfs", "/tmp:rw,size=2g", "-v", models + ":/models:ro",
                    "-e", "QUEUE_SYSTEM=RABBITMQ", "-e", "RABBITMQ_HOST=127.0.0.1:5672", "-e", "RABBITMQ_USERNAME=guest",
                    "-e", "RABBITMQ_PASSWORD=guest", "-e", "QUEUE_NAME=" + input, "-e", "QUEUE_TARGET=" + target,
                    "-e", "VAULT_API_URL=" + vault.baseUrl() + "/api", "-e", "VAULT_ACCESS_KEY=a",
                    "-e", "VAULT_SECRET_KEY=b", "-e", "MODEL_PATH=/models/yolox_nano.onnx", "-e", "DEVICE=cpu",
                    "-e", "METRICS_PORT=0", IMAGE).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Map<String, Integer> published = new TreeMap<>();
            Await.repeatWhile(() -> published.size() < keys.size() && worker.isAlive(), Duration.ofSeconds(180),
                    () -> {
                        GetResponse r = ch.basicGet(target, true);
                        if (r != null) {
                            published.merge(r.getProps().getHeaders().get("vaultml-key").toString(), 1, Integer::sum);
                        }
                    });
            assertEquals(keys.size(), published.size(), () -> "published " + published + "\n" + read(log));
            assertTrue(published.values().stream().allMatch(n -> n == 1), published::toString);
            Await.until(() -> drained(ch, input), Duration.ofSeconds(15), () -> "the input queue is not drained");
            assertTrue(Podman.run("podman", "stop", "-t", "70", container).ok(), "podman stop");
            assertTrue(worker.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, worker.exitValue(), () -> "exit after SIGTERM\n" + read(log));
            System.out.printf("ImageRabbitIT: %d recordings through the image on RabbitMQ: %d published once each, "
                    + "input drained, exit 0 on SIGTERM%n", keys.size(), published.size());
            for (String q : List.of(input, target, input + "-dead-letter")) {
                ch.queueDelete(q);
            }
        } finally {
            Podman.run("podman", "rm", "-f", container);
            vault.stop();
        }
    }

    /** Nothing ready, nothing unacknowledged: the broker's count covers both for a quorum queue's passive declare. */
    private static boolean drained(Channel ch, String queue) {
        try {
            return ch.queueDeclarePassive(queue).getMessageCount() == 0 && RabbitBroker.rabbitmqctl().map(ctl ->
                    RabbitBroker.ctl("list_queues", "-q", "--no-table-headers", "name", "messages")
                            .lines().anyMatch(l -> l.startsWith(queue + "\t") && l.endsWith("\t0"))).orElse(true);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String read(Path log) {
        try {
            String s = Files.readString(log);
            return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
