package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Failover after SIGKILL with the worker jar as a process: a worker restarted under its group instance id (static
 * membership) takes its partition back at once, where a new member waits for the dead one's session to time out.
 * Prints both times; asserts the mechanism (the static takeover beats a 45 s session timeout) and that nothing is
 * lost.
 */
class KafkaFailoverIT {

    @Test
    void aWorkerRestartedUnderItsInstanceIdTakesOverAtOnceAndLosesNothing() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        Path dir = WorkerProcesses.logDir("KafkaFailoverIT");
        WireMockServer vault = new WireMockServer(options().dynamicPort());
        vault.start();
        try (EmbeddedKafka kafka = new EmbeddedKafka(false)) {
            List<Path> videos;
            try (Stream<Path> files = Files.list(TestData.require("videos/kerberos"))) {
                videos = files.sorted().toList();
            }
            double staticSeconds = failover(kafka, vault, videos, dir, "static", Map.of("KAFKA_GROUP_INSTANCE_ID",
                    "worker-a", "KAFKA_SESSION_TIMEOUT", "45s"));
            double dynamicSeconds = failover(kafka, vault, videos, dir, "dynamic", Map.of("KAFKA_GROUP_INSTANCE_ID",
                    "none"));
            System.out.printf("KafkaFailoverIT: SIGKILL to the restarted worker's next result: %.1f s with static "
                    + "membership, %.1f s without (KAFKA_SESSION_TIMEOUT 10 s)%n", staticSeconds, dynamicSeconds);
            assertTrue(staticSeconds < 30, "static membership took " + staticSeconds + " s: it waited for the 45 s "
                    + "session timeout instead of taking over");
        } finally {
            vault.stop();
        }
    }

    /** Kills a worker after its second result, restarts it, returns the seconds from the kill to its next result. */
    private static double failover(EmbeddedKafka kafka, WireMockServer vault, List<Path> videos, Path dir, String name,
            Map<String, String> membership) throws Exception {
        String in = "recordings-" + name;
        String out = "results-" + name;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(in, 1, (short) 1), new NewTopic(out, 1, (short) 1),
                    new NewTopic(in + "-dead-letter", 1, (short) 1))).all().get();
        }
        Set<String> keys = new TreeSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
            for (int copy = 0; copy < 2; copy++) {
                for (Path video : videos) {
                    String key = name + "/" + copy + "/" + video.getFileName();
                    keys.add(key);
                    vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                            .willReturn(ok().withBody(Files.readAllBytes(video))));
                    producer.send(new ProducerRecord<>(in, ("{\"source\":\"storj\",\"payload\":{\"key\":\"" + key
                            + "\"}}").getBytes(StandardCharsets.UTF_8))).get();
                }
            }
        }
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "KAFKA", "KAFKA_BROKER",
                kafka.bootstrapServers(), "QUEUE_NAME", in, "QUEUE_TARGET", out, "KAFKA_GROUP", "failover-" + name,
                "VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "a", "VAULT_SECRET_KEY", "b",
                "METRICS_PORT", "0", "CONCURRENCY", "1"));
        env.putAll(Map.of("MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(), "DEVICE", "cpu"));
        env.putAll(membership);
        List<ConsumerRecord<byte[], byte[]>> results = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = KafkaWorkerIT.reader(kafka, out)) {
            Process first = WorkerProcesses.start(env, dir.resolve(name + "-first.log"));
            Await.repeatWhile(() -> results.size() < 2 && first.isAlive(), Duration.ofSeconds(120),
                    () -> reader.poll(Duration.ofMillis(100)).forEach(results::add));
            assertTrue(results.size() >= 2, () -> WorkerProcesses.logs(dir));
            first.destroyForcibly(); // SIGKILL: no commit, no leave-group
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
            long killed = System.nanoTime();
            int before = results.size();
            Process second = WorkerProcesses.start(env, dir.resolve(name + "-second.log"));
            try {
                Await.repeatWhile(() -> results.size() == before && second.isAlive(), Duration.ofSeconds(120),
                        () -> reader.poll(Duration.ofMillis(50)).forEach(results::add));
                double seconds = (System.nanoTime() - killed) / 1e9;
                Await.repeatWhile(() -> keysOf(results).size() < keys.size() && second.isAlive(),
                        Duration.ofSeconds(180), () -> reader.poll(Duration.ofMillis(200)).forEach(results::add));
                assertEquals(keys, keysOf(results), () -> "lost after SIGKILL\n" + WorkerProcesses.logs(dir));
                return seconds;
            } finally {
                second.destroy();
                assertTrue(second.waitFor(90, TimeUnit.SECONDS));
            }
        }
    }

    static Set<String> keysOf(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<String> out = new TreeSet<>();
        records.forEach(r -> out.add(new String(r.key(), StandardCharsets.UTF_8)));
        return out;
    }
}
