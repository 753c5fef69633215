package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Scale-out through a Kafka consumer group, with worker processes (the jar, with the test kit's fake detector at a
 * fixed 100 ms a frame standing in for a GPU model, so that the two cores here are not what limits): 1, 2 and 3
 * workers on a 6-partition topic, throughput printed per worker count; then a worker joining mid-run and one leaving
 * with SIGTERM, which must lose nothing and publish nothing twice.
 */
class KafkaScaleOutIT {
    private static final int PARTITIONS = 6;
    private static final int FRAMES = 2;
    private static final String FRAME_LATENCY = "100ms";
    private static final String RECORDING = "videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4";

    @Test
    void throughputGrowsWithTheWorkersAndWorkersJoiningOrLeavingLoseAndRepeatNothing() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        Path dir = WorkerProcesses.logDir("KafkaScaleOutIT");
        WireMockServer vault = new WireMockServer(options().dynamicPort());
        vault.start();
        vault.stubFor(get(urlPathEqualTo("/api/storage/blob"))
                .willReturn(ok().withBody(Files.readAllBytes(TestData.require(RECORDING)))));
        try (EmbeddedKafka kafka = new EmbeddedKafka(false);
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<Integer, Double> perSecond = new TreeMap<>();
            for (int workers = 1; workers <= 3; workers++) {
                perSecond.put(workers, throughput(kafka, admin, vault, workers, dir));
            }
            StringBuilder table = new StringBuilder("KafkaScaleOutIT: workers | recordings/s | x one worker\n");
            perSecond.forEach((n, rate) -> table.append(String.format(Locale.ROOT, "KafkaScaleOutIT: %d | %.2f | %.2f%n",
                    n, rate, rate / perSecond.get(1))));
            System.out.print(table);
            for (int n = 2; n <= 3; n++) {
                assertTrue(perSecond.get(n) >= 0.8 * n * perSecond.get(1), "throughput did not grow with the workers:\n"
                        + table);
            }
            churn(kafka, admin, vault, dir);
        } finally {
            vault.stop();
        }
    }

    /** Recordings per second of {@code workers} processes over 40 recordings each, from the last event sent. */
    private static double throughput(EmbeddedKafka kafka, Admin admin, WireMockServer vault, int workers, Path dir)
            throws Exception {
        String name = "scale-" + workers;
        Map<String, String> env = topicsAndEnv(admin, kafka, vault, name);
        List<Process> running = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = KafkaWorkerIT.reader(kafka, name + "-out")) {
            for (int w = 0; w < workers; w++) {
                running.add(WorkerProcesses.startWithTestKit(env, dir.resolve(name + "-worker" + w + ".log")));
            }
            awaitGroup(admin, name, workers, running, dir);
            Set<String> keys = produce(kafka, name, 40 * workers);
            long sent = System.nanoTime();
            List<ConsumerRecord<byte[], byte[]>> results = new ArrayList<>();
            Await.repeatWhile(() -> results.size() < keys.size() && running.stream().allMatch(Process::isAlive),
                    Duration.ofSeconds(180), () -> reader.poll(Duration.ofMillis(50)).forEach(results::add));
            double seconds = (System.nanoTime() - sent) / 1e9;
            assertEquals(keys, KafkaFailoverIT.keysOf(results), () -> WorkerProcesses.logs(dir));
            return keys.size() / seconds;
        } finally {
            stop(running);
        }
    }

    /** One worker, a second joining after 25 results, the first leaving (SIGTERM) after 90: 150 results, once each. */
    private static void churn(EmbeddedKafka kafka, Admin admin, WireMockServer vault, Path dir) throws Exception {
        String name = "churn";
        Map<String, String> env = topicsAndEnv(admin, kafka, vault, name);
        List<Process> running = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> reader = KafkaWorkerIT.reader(kafka, name + "-out")) {
            Process first = WorkerProcesses.startWithTestKit(env, dir.resolve("churn-first.log"));
            running.add(first);
            awaitGroup(admin, name, 1, running, dir);
            Set<String> keys = produce(kafka, name, 150);
            List<ConsumerRecord<byte[], byte[]>> results = new ArrayList<>();
            Await.repeatWhile(() -> results.size() < 25 && first.isAlive(), Duration.ofSeconds(120),
                    () -> reader.poll(Duration.ofMillis(50)).forEach(results::add));
            Process second = WorkerProcesses.startWithTestKit(env, dir.resolve("churn-second.log"));
            running.add(second);
            Await.repeatWhile(() -> results.size() < 90 && second.isAlive(), Duration.ofSeconds(120),
                    () -> reader.poll(Duration.ofMillis(50)).forEach(results::add));
            first.destroy(); // SIGTERM: finish what is in flight, commit, leave the group
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the first worker did not stop on SIGTERM");
            assertEquals(0, first.exitValue(), () -> WorkerProcesses.logs(dir));
            Await.repeatWhile(() -> KafkaFailoverIT.keysOf(results).size() < keys.size() && second.isAlive(), Duration.ofSeconds(180),
                    () -> reader.poll(Duration.ofMillis(100)).forEach(results::add));
            // A duplicate would come from a record both workers processed; give a late one time to show up.
            long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            Await.repeatWhile(() -> System.nanoTime() < quietUntil, Duration.ofSeconds(10),
                    () -> reader.poll(Duration.ofMillis(100)).forEach(results::add));
            assertEquals(keys, KafkaFailoverIT.keysOf(results), () -> "lost while workers joined and left\n" + WorkerProcesses.logs(dir));
            List<String> all = results.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).sorted().toList();
            assertEquals(keys.size(), all.size(), () -> "published twice: " + duplicates(all) + "\n"
                    + WorkerProcesses.logs(dir));
            String secondLog = Files.readString(dir.resolve("churn-second.log"));
            assertTrue(secondLog.contains("Kafka partitions assigned"), "the joining worker never got partitions");
            System.out.printf("KafkaScaleOutIT: churn: %d recordings, a worker joined after 25 results and one left "
                    + "(SIGTERM) after 90: %d results, none lost, none twice%n", keys.size(), all.size());
        } finally {
            stop(running);
        }
    }

    private static Map<String, String> topicsAndEnv(Admin admin, EmbeddedKafka kafka, WireMockServer vault,
            String name) throws Exception {
        admin.createTopics(List.of(new NewTopic(name + "-in", PARTITIONS, (short) 1),
                new NewTopic(name + "-out", 1, (short) 1), new NewTopic(name + "-in-dead-letter", 1, (short) 1)))
                .all().get();
        Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "KAFKA", "KAFKA_BROKER",
                kafka.bootstrapServers(), "QUEUE_NAME", name + "-in", "QUEUE_TARGET", name + "-out", "KAFKA_GROUP",
                name, "VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "a", "VAULT_SECRET_KEY", "b",
                "METRICS_PORT", "0"));
        env.putAll(Map.of("DETECTOR", "fake", "FAKE_DETECTOR_DELAY", FRAME_LATENCY, "NUMBER_OF_PREDICTIONS",
                String.valueOf(FRAMES)));
        return env;
    }

    /** Waits until the group is stable with {@code members} members holding every partition. */
    private static void awaitGroup(Admin admin, String group, int members, List<Process> workers, Path dir)
            throws Exception {
        Await.until(() -> {
            if (!workers.stream().allMatch(Process::isAlive)) {
                throw new AssertionError("a worker died\n" + WorkerProcesses.logs(dir));
            }
            try {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                return d.groupState() == GroupState.STABLE && d.members().size() == members && d.members().stream()
                        .mapToInt(m -> m.assignment().topicPartitions().size()).sum() == PARTITIONS;
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(90), () -> "group " + group + " never had " + members + " members holding "
                + PARTITIONS + " partitions\n" + WorkerProcesses.logs(dir));
    }

    /** Sends {@code count} events spread evenly over the partitions; returns their recording keys. */
    private static Set<String> produce(EmbeddedKafka kafka, String name, int count) throws Exception {
        Set<String> keys = new TreeSet<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                kafka.bootstrapServers(), "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName()))) {
            for (int i = 0; i < count; i++) {
                String key = name + "/" + i + "/recording.mp4";
                keys.add(key);
                producer.send(new ProducerRecord<>(name + "-in", i % PARTITIONS, null, ("{\"source\":\"storj\","
                        + "\"payload\":{\"key\":\"" + key + "\"}}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return keys;
    }

    private static void stop(List<Process> workers) throws InterruptedException {
        workers.forEach(Process::destroy);
        for (Process p : workers) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static List<String> duplicates(List<String> sorted) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).equals(sorted.get(i - 1))) {
                out.add(sorted.get(i));
            }
        }
        return out;
    }
}
