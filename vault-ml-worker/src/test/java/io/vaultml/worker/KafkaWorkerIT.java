package io.vaultml.worker;

import io.vaultml.test.Await;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.vaultml.kafka.EmbeddedKafka;
import io.vaultml.test.TestData;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The packaged worker as its own process: events from a real Kafka broker, recordings from WireMock acting as
 * Kerberos Vault, the real YOLOX model; SIGTERM mid-run, restart; every event ends as exactly one result or one
 * dead letter.
 */
class KafkaWorkerIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eventsInResultsOutPoisonToDeadLetterAndSigtermLosesNothing() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        Path dir = WorkerProcesses.logDir("KafkaWorkerIT");
        Path videos = TestData.require("videos/kerberos");
        try (EmbeddedKafka kafka = new EmbeddedKafka(false)) {
            WireMockServer vault = new WireMockServer(options().dynamicPort());
            vault.start();
            try {
                Set<String> keys = new TreeSet<>();
                try (Stream<Path> files = Files.list(videos)) {
                    for (Path file : files.sorted().toList()) {
                        String key = "cam-user/" + file.getFileName();
                        keys.add(key);
                        vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo("vault-secret"))
                                .willReturn(ok().withBody(Files.readAllBytes(file))));
                    }
                }
                vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/gone.mp4"))
                        .willReturn(aResponse().withStatus(404).withBody("{\"message\":\"not found\"}")));
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                    admin.createTopics(List.of(new NewTopic("recordings", 2, (short) 1), new NewTopic("results", 1, (short) 1),
                            new NewTopic("recordings-dead-letter", 1, (short) 1))).all().get();
                }
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                        kafka.bootstrapServers(), "key.serializer", ByteArraySerializer.class.getName(),
                        "value.serializer", ByteArraySerializer.class.getName()))) {
                    for (String key : keys) {
                        send(producer, "{\"provider\":\"kstorage\",\"source\":\"storj\",\"payload\":{\"key\":\"" + key
                                + "\",\"metadata\":{\"event-instancename\":\"cam\",\"publickey\":\"PUB-1\"}},\"date\":1}");
                    }
                    send(producer, "this is not an event");
                    send(producer, "{\"source\":\"storj\",\"payload\":{\"key\":\"cam-user/gone.mp4\"}}");
                }
                Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "KAFKA", "KAFKA_BROKER", kafka.bootstrapServers(),
                        "QUEUE_NAME", "recordings", "QUEUE_TARGET", "results", "KAFKA_GROUP", "vault-ml-it",
                        "VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "vault-access",
                        "VAULT_SECRET_KEY", "vault-secret", "METRICS_PORT", "0"));
                env.putAll(Map.of("MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(), "DEVICE", "cpu",
                        "CLASSIFICATION_FPS", "4", "RESULT_FORMAT", "hub", "SHUTDOWN_TIMEOUT", "60s"));

                Process first = start(env, dir.resolve("first.log"));
                List<ConsumerRecord<byte[], byte[]>> results = new ArrayList<>();
                KafkaConsumer<byte[], byte[]> reader = reader(kafka, "results");
                Await.repeatWhile(() -> results.isEmpty() && first.isAlive(), Duration.ofSeconds(120), () -> {
                    reader.poll(Duration.ofMillis(200)).forEach(results::add);
                });
                assertTrue(first.isAlive(), Files.readString(dir.resolve("first.log")));
                first.destroy(); // SIGTERM
                assertTrue(first.waitFor(90, TimeUnit.SECONDS));
                assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));

                Process second = start(env, dir.resolve("second.log"));
                KafkaConsumer<byte[], byte[]> dlqReader = reader(kafka, "recordings-dead-letter");
                List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
                Await.repeatWhile(() -> (distinctKeys(results).size() < keys.size() || deadLetters.size() < 2)
                        && second.isAlive(), Duration.ofSeconds(240), () -> {
                    reader.poll(Duration.ofMillis(200)).forEach(results::add);
                    dlqReader.poll(Duration.ofMillis(50)).forEach(deadLetters::add);
                });
                reader.poll(Duration.ofSeconds(1)).forEach(results::add);
                if (distinctKeys(results).size() < keys.size() || deadLetters.size() < 2) {
                    WorkerProcesses.threadDump(second); // gave up waiting: show what the worker was doing
                }
                second.destroy();
                assertTrue(second.waitFor(90, TimeUnit.SECONDS));
                assertEquals(0, second.exitValue(), Files.readString(dir.resolve("second.log")));
                reader.close();
                dlqReader.close();

                assertEquals(keys, distinctKeys(results), () -> "every recording has a result\n"
                        + WorkerProcesses.logs(dir));
                assertEquals(keys.size(), results.size(), "a graceful stop publishes nothing twice");
                for (ConsumerRecord<byte[], byte[]> r : results) {
                    JsonNode result = JSON.readTree(r.value());
                    assertEquals("classify", result.get("operation").asText());
                    assertEquals(new String(r.key(), StandardCharsets.UTF_8), result.at("/payload/key").asText());
                    assertTrue(r.headers().lastHeader("vaultml-model") != null);
                    if (result.at("/payload/key").asText().contains("pedestrians")) {
                        assertTrue(result.at("/data/properties").toString().contains("pedestrian"), result.toString());
                    }
                }
                assertEquals(2, deadLetters.size());
                Map<String, String> reasons = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> d : deadLetters) {
                    reasons.put(new String(d.value(), StandardCharsets.UTF_8),
                            new String(d.headers().lastHeader("vaultml-dlq-reason").value(), StandardCharsets.UTF_8));
                }
                assertTrue(reasons.get("this is not an event").startsWith("Event is not valid JSON"), reasons.toString());
                assertEquals("Vault download of cam-user/gone.mp4 failed: HTTP 404 {\"message\":\"not found\"}",
                        reasons.get("{\"source\":\"storj\",\"payload\":{\"key\":\"cam-user/gone.mp4\"}}"));
                String logs = Files.readString(dir.resolve("first.log")) + Files.readString(dir.resolve("second.log"));
                assertTrue(!logs.contains("vault-secret") && !logs.contains("PUB-1"), "a secret reached the logs");
            } finally {
                vault.stop();
            }
        }
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String body) throws Exception {
        producer.send(new ProducerRecord<>("recordings", body.getBytes(StandardCharsets.UTF_8))).get();
    }

    static Set<String> distinctKeys(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new TreeSet<>();
        records.forEach(r -> out.add(new String(r.key(), StandardCharsets.UTF_8)));
        return out;
    }

    static KafkaConsumer<byte[], byte[]> reader(EmbeddedKafka kafka, String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()));
        c.subscribe(List.of(topic));
        return c;
    }

    static Process start(Map<String, String> env, Path log) throws Exception {
        return WorkerProcesses.start(env, log);
    }
}
