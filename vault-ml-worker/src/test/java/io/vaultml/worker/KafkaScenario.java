package io.vaultml.worker;

import io.vaultml.test.Await;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

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
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the process-level Kafka scenarios share: an in-JVM Kafka broker, WireMock as the configured Kerberos Vault
 * (serving every test recording), a second WireMock as a host no key may reach, the worker jar started as a
 * process with the original environment variables, and a reader of results and dead letters.
 */
abstract class KafkaScenario {
    /** The test recordings, smallest first. */
    static final String[] RECORDINGS = recordings();
    static final String[] GOOD = java.util.Arrays.copyOf(RECORDINGS, Math.min(3, RECORDINGS.length));

    static String[] recordings() {
        Path dir = TestData.root().map(r -> r.resolve("videos/kerberos")).orElse(null);
        if (dir == null || !Files.isDirectory(dir)) {
            return new String[0]; // each test skips, saying why
        }
        try (var files = Files.list(dir)) {
            return files.sorted(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                    .map(f -> f.getFileName().toString()).toArray(String[]::new);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    EmbeddedKafka kafka;
    WireMockServer vault;
    WireMockServer foreign;
    KafkaProducer<byte[], byte[]> producer;
    final List<Process> workers = new ArrayList<>();
    Path logs;

    @BeforeEach
    void start(org.junit.jupiter.api.TestInfo test) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        Assumptions.assumeTrue(RECORDINGS.length >= 7, "SKIPPED: the test recordings (videos/kerberos) are missing");
        logs = WorkerProcesses.logDir(getClass().getSimpleName() + "-" + test.getTestMethod().orElseThrow().getName());
        kafka = new EmbeddedKafka(false);
        vault = new WireMockServer(options().dynamicPort());
        vault.start();
        foreign = new WireMockServer(options().dynamicPort());
        foreign.start();
        foreign.stubFor(any(anyUrl()).willReturn(ok().withBody("anything")));
        for (String f : RECORDINGS) {
            vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/" + f))
                    .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo("vault-secret"))
                    .willReturn(ok().withBody(Files.readAllBytes(TestData.require("videos/kerberos/" + f)))));
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()));
    }

    @AfterEach
    void stop() throws Exception {
        for (Process p : workers) {
            p.destroyForcibly();
        }
        if (producer != null) {
            producer.close();
        }
        if (vault != null) {
            vault.stop();
            foreign.stop();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    void topics(int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("recordings", partitions, (short) 1), new NewTopic("results", 1, (short) 1),
                    new NewTopic("recordings-dead-letter", 1, (short) 1))).all().get();
        }
    }

    Map<String, String> env(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "KAFKA", "KAFKA_BROKER", kafka.bootstrapServers(),
                "QUEUE_NAME", "recordings", "QUEUE_TARGET", "results", "KAFKA_GROUP", "vault-ml-hostile",
                "VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "vault-access",
                "VAULT_SECRET_KEY", "vault-secret", "METRICS_PORT", "0"));
        env.putAll(Map.of("MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(), "DEVICE", "cpu",
                "NUMBER_OF_PREDICTIONS", "3", "RESULT_FORMAT", "hub"));
        env.putAll(extra);
        return env;
    }

    Process worker(Map<String, String> env, String name) throws Exception {
        Process p = KafkaWorkerIT.start(env, logs.resolve(name + ".log"));
        workers.add(p);
        return p;
    }

    /** The worker logs of this test, with a thread dump of each worker still running. */
    String logs() {
        workers.forEach(WorkerProcesses::threadDump);
        return WorkerProcesses.logs(logs);
    }

    void send(String body) throws Exception {
        KafkaWorkerIT.send(producer, body);
    }

    static String good(String file) {
        return "{\"source\":\"storj\",\"payload\":{\"key\":\"cam-user/" + file + "\",\"metadata\":{\"publickey\":\"PUB-1\"}}}";
    }

    /** Reads results and dead letters until {@code done} holds or the deadline passes. */
    static final class Outcomes implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> results;
        final KafkaConsumer<byte[], byte[]> deadLetters;
        final List<ConsumerRecord<byte[], byte[]>> published = new ArrayList<>();
        final List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();

        Outcomes(EmbeddedKafka kafka) {
            results = KafkaWorkerIT.reader(kafka, "results");
            deadLetters = KafkaWorkerIT.reader(kafka, "recordings-dead-letter");
        }

        void readUntil(BooleanSupplier done, Duration within) {
            Await.repeatWhile(() -> !done.getAsBoolean(), within, () -> {
                results.poll(Duration.ofMillis(200)).forEach(published::add);
                deadLetters.poll(Duration.ofMillis(50)).forEach(dead::add);
            });
            // a little longer, to see anything unexpected
            results.poll(Duration.ofSeconds(2)).forEach(published::add);
            deadLetters.poll(Duration.ofMillis(500)).forEach(dead::add);
        }

        Map<String, Integer> publishedCounts() {
            Map<String, Integer> counts = new TreeMap<>();
            published.forEach(r -> counts.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum));
            return counts;
        }

        Map<String, String> reasons() {
            Map<String, String> reasons = new TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                reasons.put(new String(d.value(), StandardCharsets.UTF_8), new String(d.headers().lastHeader("vaultml-dlq-reason").value(), StandardCharsets.UTF_8));
            }
            return reasons;
        }

        @Override
        public void close() {
            results.close();
            deadLetters.close();
        }
    }

    static Map<String, Integer> once(String... files) {
        Map<String, Integer> expected = new TreeMap<>();
        for (String f : files) {
            expected.put("cam-user/" + f, 1);
        }
        return expected;
    }

}
