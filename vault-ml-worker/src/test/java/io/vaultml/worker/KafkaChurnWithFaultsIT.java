package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vaultml.kafka.EmbeddedKafka;
import io.vaultml.test.Await;
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
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Churn with faults, as production has them together: 84 recordings on a 6-partition topic while four worker
 * processes join one after another and two leave with SIGTERM; a quarter of the Vault downloads answer 503 once,
 * and four recordings trickle past their deadline on every try. Nothing may be lost, nothing published twice, and
 * every hopeless recording dead-lettered exactly once. The fake detector (100 ms a frame) keeps the two cores here
 * from being what limits.
 */
class KafkaChurnWithFaultsIT {
    private static final int PARTITIONS = 6;
    private static final int RECORDINGS = 84;
    private static final int HOPELESS = 4;
    private static final String RECORDING = "videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4";

    @Test
    void workersJoiningAndLeavingWhileDownloadsFailLoseNothingAndPublishNothingTwice() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        Path dir = WorkerProcesses.logDir("KafkaChurnWithFaultsIT");
        byte[] video = Files.readAllBytes(TestData.require(RECORDING));
        WireMockServer vault = new WireMockServer(options().dynamicPort());
        vault.start();
        TreeSet<String> good = new TreeSet<>();
        TreeSet<String> hopeless = new TreeSet<>();
        vault.stubFor(get(urlPathEqualTo("/api/storage/blob")).atPriority(10).willReturn(ok().withBody(video)));
        for (int i = 0; i < RECORDINGS; i++) {
            String key = "churn/" + i + "/recording.mp4";
            if (i % 21 == 20) { // four of them: the host trickles on every try
                hopeless.add(key);
                vault.stubFor(get(urlPathEqualTo("/api/storage/blob")).atPriority(1)
                        .withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                        .willReturn(ok().withBody(video).withChunkedDribbleDelay(video.length / 100, 600_000)));
                continue;
            }
            good.add(key);
            if (i % 4 == 1) { // a quarter: 503 once, then the recording
                vault.stubFor(get(urlPathEqualTo("/api/storage/blob")).atPriority(1).inScenario(key)
                        .whenScenarioStateIs(Scenario.STARTED).withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                        .willReturn(aResponse().withStatus(503).withBody("busy")).willSetStateTo("recovered"));
                vault.stubFor(get(urlPathEqualTo("/api/storage/blob")).atPriority(1).inScenario(key)
                        .whenScenarioStateIs("recovered").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                        .willReturn(ok().withBody(video)));
            }
        }
        List<Process> workers = new ArrayList<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(false);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> results = KafkaWorkerIT.reader(kafka, "churn-out");
                KafkaConsumer<byte[], byte[]> dead = KafkaWorkerIT.reader(kafka, "churn-in-dead-letter")) {
            admin.createTopics(List.of(new NewTopic("churn-in", PARTITIONS, (short) 1), new NewTopic("churn-out", 1,
                    (short) 1), new NewTopic("churn-in-dead-letter", 1, (short) 1))).all().get();
            Map<String, String> env = env(kafka, vault);
            workers.add(WorkerProcesses.startWithTestKit(env, dir.resolve("worker-1.log")));
            produce(kafka, good, hopeless);
            List<ConsumerRecord<byte[], byte[]>> published = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
            Runnable read = () -> {
                results.poll(Duration.ofMillis(50)).forEach(published::add);
                dead.poll(Duration.ofMillis(10)).forEach(deadLetters::add);
            };
            // Joins and leaves at result counts, so each happens with work in flight, whatever the machine's speed.
            int[] joinAt = {8, 20, 45};
            int[] leaveAt = {30, 60};
            int joined = 0;
            int left = 0;
            List<Integer> exits = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while ((published.size() < good.size() || deadLetters.size() < hopeless.size())
                    && System.nanoTime() < deadline) {
                read.run();
                if (joined < joinAt.length && published.size() >= joinAt[joined]) {
                    joined++;
                    workers.add(WorkerProcesses.startWithTestKit(env, dir.resolve("worker-" + (joined + 1) + ".log")));
                }
                if (left < leaveAt.length && published.size() >= leaveAt[left]) {
                    Process leaving = workers.get(left++);
                    leaving.destroy(); // SIGTERM: finish in flight, commit, leave the group
                    assertTrue(leaving.waitFor(90, TimeUnit.SECONDS), "a worker did not stop on SIGTERM");
                    exits.add(leaving.exitValue());
                }
            }
            // A duplicate would come late from a record two workers processed: give it time to show up.
            long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Await.repeatWhile(() -> System.nanoTime() < quietUntil, Duration.ofSeconds(10), read::run);

            Map<String, Integer> counts = counts(published);
            Map<String, Integer> deadCounts = counts(deadLetters);
            long twice = counts.values().stream().filter(n -> n > 1).count();
            System.out.printf("KafkaChurnWithFaultsIT: %d recordings (%d answering 503 once, %d trickling), 4 workers "
                    + "joined, 2 left with SIGTERM: %d published (%d distinct, %d twice), %d dead-lettered (%d "
                    + "distinct), %d Vault downloads%n", RECORDINGS, good.stream().filter(k -> index(k) % 4 == 1)
                    .count(), hopeless.size(), published.size(), counts.size(), twice, deadLetters.size(),
                    deadCounts.size(), vault.getAllServeEvents().size());
            assertEquals(good, new TreeSet<>(counts.keySet()), () -> "lost\n" + WorkerProcesses.logs(dir));
            assertEquals(0, twice, () -> "published twice: " + counts + "\n" + WorkerProcesses.logs(dir));
            assertEquals(hopeless, new TreeSet<>(deadCounts.keySet()), "dead-lettered");
            assertEquals(hopeless.size(), deadLetters.size(), () -> "dead-lettered twice: " + deadCounts);
            assertEquals(List.of(0, 0), exits, () -> WorkerProcesses.logs(dir));
        } finally {
            workers.forEach(Process::destroy);
            for (Process p : workers) {
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            vault.stop();
        }
    }

    private static int index(String key) {
        return Integer.parseInt(key.split("/")[1]);
    }

    private static Map<String, Integer> counts(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Integer> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String body = new String(r.value(), StandardCharsets.UTF_8);
            int at = body.indexOf("churn/");
            String key = r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith("churn/")
                    ? new String(r.key(), StandardCharsets.UTF_8) : body.substring(at, body.indexOf('"', at));
            counts.merge(key, 1, Integer::sum);
        }
        return counts;
    }

    private static Map<String, String> env(EmbeddedKafka kafka, WireMockServer vault) {
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "KAFKA", "KAFKA_BROKER",
                kafka.bootstrapServers(), "QUEUE_NAME", "churn-in", "QUEUE_TARGET", "churn-out", "KAFKA_GROUP",
                "churn", "VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "a", "VAULT_SECRET_KEY", "b",
                "METRICS_PORT", "0"));
        env.putAll(Map.of("DETECTOR", "fake", "FAKE_DETECTOR_DELAY", "100ms", "NUMBER_OF_PREDICTIONS", "2",
                "RECORDING_TIMEOUT", "4s", "RETRY_MAX_ATTEMPTS", "2", "RETRY_BACKOFF", "300ms", "VAULT_RETRIES", "1"));
        env.put("VAULT_CIRCUIT_OPEN", "3s"); // a quarter of 503s may open the breaker: a short pause keeps CI quick
        return env;
    }

    /** Sends every recording's event, spread over the partitions in index order. */
    private static void produce(EmbeddedKafka kafka, TreeSet<String> good, TreeSet<String> hopeless)
            throws Exception {
        List<String> all = new ArrayList<>(good);
        all.addAll(hopeless);
        all.sort(java.util.Comparator.comparingInt(KafkaChurnWithFaultsIT::index));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
            for (String key : all) {
                producer.send(new ProducerRecord<>("churn-in", index(key) % PARTITIONS, null, ("{\"source\":\"storj\","
                        + "\"payload\":{\"key\":\"" + key + "\"}}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
