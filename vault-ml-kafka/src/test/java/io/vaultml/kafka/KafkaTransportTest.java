package io.vaultml.kafka;

import io.vaultml.test.Await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.Forwarder;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.test.EventSourceContract;
import io.vaultml.test.ForwarderContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The Kafka transport against a real broker started in this JVM. */
@Tag("broker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaTransportTest {
    static final AtomicInteger TOPICS = new AtomicInteger();
    EmbeddedKafka kafka;
    KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    void start() throws Exception {
        long t = System.nanoTime();
        kafka = new EmbeddedKafka(false);
        System.out.printf("[kafka] PLAINTEXT broker started in %d ms%n", (System.nanoTime() - t) / 1_000_000);
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()));
    }

    @AfterAll
    void stop() throws Exception {
        producer.close();
        kafka.close();
    }

    Map<String, Object> common() {
        return new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "security.protocol", "PLAINTEXT"));
    }

    String newTopic(int partitions) throws Exception {
        String topic = "recordings-" + TOPICS.incrementAndGet();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        return topic;
    }

    KafkaEventSource source(String topic, String group, int maxInFlight, Map<String, Object> extra) {
        Map<String, Object> props = common();
        props.putAll(extra);
        return new KafkaEventSource(props, topic, group, "test", "earliest", maxInFlight, Duration.ofSeconds(20));
    }

    void publish(String topic, String body) throws Exception {
        producer.send(new ProducerRecord<>(topic, body.getBytes(StandardCharsets.UTF_8))).get();
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "group.id", "reader-" + UUID.randomUUID(), "auto.offset.reset", "earliest",
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()))) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            Await.repeatWhile(() -> out.size() < expected, Duration.ofSeconds(20), () -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            });
            // a little longer, to see anything unexpected
            c.poll(Duration.ofMillis(500)).forEach(out::add);
            return out;
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_METHOD)
    class SourceContract extends EventSourceContract {
        final String group = "contract-" + UUID.randomUUID();
        String topic;

        @Override
        protected EventSource openSource() {
            try {
                if (topic == null) {
                    topic = newTopic(1);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return source(topic, group, 8, Map.of());
        }

        @Override
        protected void publish(byte[] body) {
            try {
                producer.send(new ProducerRecord<>(topic, body)).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_METHOD)
    class PublisherContract extends ForwarderContract {
        String topic;

        @Override
        protected Forwarder newForwarder() {
            try {
                topic = topic == null ? newTopic(1) : topic;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return new KafkaPublisher(common(), topic, "test", Duration.ofSeconds(20));
        }

        @Override
        protected List<Map.Entry<String, byte[]>> readBack() {
            return readAll(topic, 2).stream()
                    .map(r -> Map.entry(new String(r.key(), StandardCharsets.UTF_8), r.value())).toList();
        }
    }

    @Test
    void processingLongerThanThePollIntervalCausesNoRebalanceOrDuplicate() throws Exception {
        String topic = newTopic(1);
        publish(topic, "{\"n\":1}");
        publish(topic, "{\"n\":2}");
        // max.poll.interval.ms 2 s; the first recording takes 6 s. The source keeps polling with the partition paused.
        try (KafkaEventSource source = source(topic, "slow-" + UUID.randomUUID(), 1,
                Map.of("max.poll.interval.ms", "2000", "session.timeout.ms", "6000", "heartbeat.interval.ms", "500"))) {
            List<Delivery> first = new ArrayList<>();
            Await.repeatWhile(() -> first.isEmpty(), Duration.ofSeconds(20), () -> {
                first.addAll(source.poll(Duration.ofMillis(200)));
            });
            assertEquals(1, first.size(), "max in flight is 1");
            List<Delivery> during = new ArrayList<>();
            Await.repeatWhile(() -> true, Duration.ofSeconds(6), () -> during.addAll(source.poll(Duration.ofMillis(200))));
            assertTrue(during.isEmpty(), "nothing new while the only slot is busy: " + during);
            source.complete(first.get(0));
            List<Delivery> second = new ArrayList<>();
            Await.repeatWhile(() -> second.isEmpty(), Duration.ofSeconds(20), () -> {
                second.addAll(source.poll(Duration.ofMillis(200)));
            });
            assertEquals(1, second.size());
            assertEquals("{\"n\":2}", new String(second.get(0).payload(), StandardCharsets.UTF_8));
            assertEquals(1, second.get(0).attempt());
            source.complete(second.get(0));
            source.poll(Duration.ofMillis(100));
        }
    }

    @Test
    void aRebalanceBetweenTwoWorkersLosesNothing() throws Exception {
        String topic = newTopic(2);
        String group = "pair-" + UUID.randomUUID();
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            expected.add("{\"n\":" + i + "}");
            producer.send(new ProducerRecord<>(topic, i % 2, null, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8))).get();
        }
        Set<String> done = new TreeSet<>();
        try (KafkaEventSource a = source(topic, group, 3, Map.of()); KafkaEventSource b = source(topic, group, 3, Map.of())) {
            java.util.concurrent.atomic.AtomicInteger round = new java.util.concurrent.atomic.AtomicInteger();
            Await.repeatWhile(() -> done.size() < expected.size(), Duration.ofSeconds(60), () -> {
                // b starts polling only after a few rounds, forcing a rebalance while a has work in flight
                for (KafkaEventSource s : round.getAndIncrement() < 3 ? List.of(a) : List.of(a, b)) {
                    for (Delivery d : s.poll(Duration.ofMillis(200))) {
                        done.add(new String(d.payload(), StandardCharsets.UTF_8));
                        s.complete(d);
                    }
                }
            });
        }
        assertEquals(expected, done);
    }

    @Test
    void aRevokedPartitionMovesOnlyAfterItsRunningRecordsFinishAndItsUnbegunRecordsGoToTheNewOwner() throws Exception {
        String topic = newTopic(2);
        String group = "handover-" + UUID.randomUUID();
        Set<String> all = new TreeSet<>();
        for (int i = 0; i < 8; i++) {
            all.add("{\"n\":" + i + "}");
            producer.send(new ProducerRecord<>(topic, i % 2, null, ("{\"n\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8))).get();
        }
        Set<String> completedByA = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Set<String> deliveredToB = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean stopB = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledExecutorService worker = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        Thread b = new Thread(() -> {
            try (KafkaEventSource source = source(topic, group, 8, Map.of())) {
                while (!stopB.get()) {
                    for (Delivery d : source.poll(Duration.ofMillis(100))) {
                        deliveredToB.add(body(d));
                        source.complete(d);
                    }
                }
            }
        });
        try (KafkaEventSource a = source(topic, group, 8, Map.of())) {
            List<Delivery> held = pollFor(a, 8, Duration.ofSeconds(30));
            // A is processing the first record of each partition; the other six wait for a slot.
            List<Delivery> running = new ArrayList<>();
            for (String partition : List.of("0", "1")) {
                Delivery first = held.stream().filter(d -> d.attributes().get("partition").equals(partition))
                        .findFirst().orElseThrow();
                assertTrue(a.begin(first));
                running.add(first);
            }
            held.removeAll(running);
            b.start(); // B joins the group: one partition moves to it
            worker.schedule(() -> running.forEach(d -> {
                completedByA.add(body(d));
                a.complete(d);
            }), 4, java.util.concurrent.TimeUnit.SECONDS); // well after B has joined and the rebalance began
            Await.repeatWhile(() -> deliveredToB.size() < 3, Duration.ofSeconds(60), () -> a.poll(Duration.ofMillis(100)));
            for (Delivery d : held) {
                if (a.begin(d)) { // false for the moved partition's records: B has them now
                    completedByA.add(body(d));
                    a.complete(d);
                }
            }
            Await.repeatWhile(() -> completedByA.size() + deliveredToB.size() < 8, Duration.ofSeconds(30),
                    () -> a.poll(Duration.ofMillis(100)));
            a.poll(Duration.ofMillis(500));
        } finally {
            stopB.set(true);
            b.join(30_000);
            worker.shutdownNow();
        }
        Set<String> twice = new TreeSet<>(completedByA);
        twice.retainAll(deliveredToB);
        assertEquals(Set.of(), twice, "processed by both: the running record's partition moved before it finished");
        Set<String> union = new TreeSet<>(completedByA);
        union.addAll(deliveredToB);
        assertEquals(all, union);
        assertEquals(3, deliveredToB.size(), "the moved partition's three records A had not begun: " + deliveredToB);
    }

    @Test
    void aWakeupDuringTheRevocationCommitDoesNotMakeTheNewOwnerPublishTheFinishedRecordsAgain() throws Exception {
        String topic = newTopic(2);
        String group = "wakeup-revoke-" + UUID.randomUUID();
        for (int i = 0; i < 6; i++) {
            producer.send(new ProducerRecord<>(topic, i % 2, null, ("{\"n\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8))).get();
        }
        Set<String> completedByA = new TreeSet<>();
        Set<String> deliveredToB = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicBoolean stopB = new java.util.concurrent.atomic.AtomicBoolean();
        Thread b = new Thread(() -> {
            try (KafkaEventSource source = source(topic, group, 8, Map.of())) {
                while (!stopB.get()) {
                    for (Delivery d : source.poll(Duration.ofMillis(100))) {
                        deliveredToB.add(body(d));
                        source.complete(d);
                    }
                }
            }
        });
        try (KafkaEventSource a = source(topic, group, 8, Map.of())) {
            List<Delivery> held = pollFor(a, 6, Duration.ofSeconds(30));
            assertEquals(6, held.size());
            // Every record is finished except one per partition, still running when B joins.
            List<Delivery> running = new ArrayList<>();
            for (String partition : List.of("0", "1")) {
                running.add(held.stream().filter(d -> d.attributes().get("partition").equals(partition))
                        .findFirst().orElseThrow());
            }
            for (Delivery d : held) {
                assertTrue(a.begin(d));
                if (!running.contains(d)) {
                    completedByA.add(body(d));
                    a.complete(d);
                }
            }
            a.poll(Duration.ofMillis(100)); // (commits nothing yet: each partition's first record runs)
            b.start();
            Thread finisher = new Thread(() -> {
                try {
                    Await.until(a::revoking, Duration.ofSeconds(30), () -> "no rebalance began");
                } catch (InterruptedException e) {
                    return;
                }
                a.wakeup(); // as the worker does after a transient failure on another recording
                running.forEach(d -> {
                    completedByA.add(body(d));
                    a.complete(d);
                });
            });
            finisher.start();
            Await.repeatWhile(() -> finisher.isAlive() || a.revoking(), Duration.ofSeconds(60),
                    () -> a.poll(Duration.ofMillis(100)));
            // Every record has its outcome: the group's committed offsets must say so for both partitions.
            Map<Integer, Long> committed = new java.util.TreeMap<>();
            Await.repeatWhile(() -> !committed.equals(Map.of(0, 3L, 1, 3L)), Duration.ofSeconds(20), () -> {
                a.poll(Duration.ofMillis(100));
                committed.clear();
                committed.putAll(committedOffsets(group));
            });
            assertEquals(Map.of(0, 3L, 1, 3L), committed, "the moved partition's finished records were not committed, "
                    + "so its new owner delivers them again");
        } finally {
            stopB.set(true);
            b.join(30_000);
        }
        Set<String> twice = new TreeSet<>(completedByA);
        twice.retainAll(deliveredToB);
        assertEquals(Set.of(), twice, "the revoked partition's finished records were published again by its new owner");
        assertEquals(6, completedByA.size());
    }

    Map<Integer, Long> committedOffsets(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<Integer, Long> out = new java.util.TreeMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> out.put(tp.partition(), o.offset()));
            return out;
        }
    }

    @Test
    void recordsFinishedBehindOneStillInProgressAreNotDeliveredAgainToTheNextOwner() throws Exception {
        String topic = newTopic(1);
        String group = "behind-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            publish(topic, "{\"n\":" + i + "}");
        }
        try (KafkaEventSource a = source(topic, group, 8, Map.of())) {
            List<Delivery> got = pollFor(a, 4, Duration.ofSeconds(20));
            assertEquals(4, got.size());
            got.forEach(a::begin);
            // Offset 1 is retrying (a transient fault); 0, 2 and 3 are published.
            a.suspend(got.get(1));
            for (int i : new int[] {0, 2, 3}) {
                a.complete(got.get(i));
            }
            a.poll(Duration.ofMillis(100));
        } // a leaves: the partition goes to the next member with offset 1 still open
        try (KafkaEventSource b = source(topic, group, 8, Map.of())) {
            List<Delivery> again = pollFor(b, 3, Duration.ofSeconds(6));
            assertEquals(List.of("{\"n\":1}"), again.stream().map(KafkaTransportTest::body).toList(),
                    "only the record that was not finished comes again");
            again.forEach(b::complete);
            b.poll(Duration.ofMillis(200));
        }
        try (KafkaEventSource c = source(topic, group, 8, Map.of())) {
            assertEquals(List.of(), pollFor(c, 1, Duration.ofSeconds(4)), "all four committed in the end");
        }
    }

    @Test
    void aDeliveryHeldWhileItsPartitionLeftAndCameBackCannotBeginBesideItsNewerDelivery() throws Exception {
        String topic = newTopic(2);
        String group = "comeback-" + UUID.randomUUID();
        for (int i = 0; i < 4; i++) {
            producer.send(new ProducerRecord<>(topic, i % 2, null, ("{\"n\":" + i + "}")
                    .getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KafkaEventSource a = source(topic, group, 8, Map.of())) {
            List<Delivery> stale = pollFor(a, 4, Duration.ofSeconds(30)); // held, none begun (no free slot)
            assertEquals(4, stale.size());
            // B joins (a partition moves to it), polls without processing, and leaves: the partition comes back.
            KafkaEventSource b = source(topic, group, 8, Map.of());
            List<Delivery> fresh = new ArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean bGotOne = new java.util.concurrent.atomic.AtomicBoolean();
            Thread bThread = new Thread(() -> {
                while (!bGotOne.get()) {
                    if (!b.poll(Duration.ofMillis(100)).isEmpty()) {
                        bGotOne.set(true);
                    }
                }
                b.close();
            });
            bThread.start();
            Await.repeatWhile(() -> fresh.size() < 2, Duration.ofSeconds(90), () -> fresh.addAll(a.poll(Duration.ofMillis(100))));
            bThread.join(30_000);
            assertEquals(2, fresh.size(), "the moved partition's records, delivered again");
            for (Delivery again : fresh) {
                Delivery old = stale.stream().filter(d -> d.id().equals(again.id())).findFirst().orElseThrow();
                assertFalse(a.begin(old), "the stale delivery of " + old.id() + " began beside its newer one");
                assertTrue(a.begin(again));
            }
            for (Delivery kept : stale) {
                if (fresh.stream().noneMatch(d -> d.id().equals(kept.id()))) {
                    assertTrue(a.begin(kept), "the partition that stayed keeps its deliveries");
                }
            }
        }
    }

    private static String body(Delivery d) {
        return new String(d.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void aWorkerFencedByAnotherWithItsInstanceIdStopsWithAClearErrorInsteadOfRetryingForever() throws Exception {
        String topic = newTopic(1);
        String group = "fenced-" + UUID.randomUUID();
        publish(topic, "{\"n\":1}");
        Map<String, Object> sameId = Map.of("group.instance.id", "worker-x");
        try (KafkaEventSource first = source(topic, group, 4, sameId)) {
            List<Delivery> got = pollFor(first, 1, Duration.ofSeconds(30));
            assertEquals(1, got.size());
            try (KafkaEventSource second = source(topic, group, 4, sameId)) {
                List<Delivery> taken = pollFor(second, 1, Duration.ofSeconds(30));
                assertEquals(1, taken.size(), "the newer member with the id takes over");
                ConfigException fenced = assertThrows(ConfigException.class, () -> Await.repeatWhile(() -> true,
                        Duration.ofSeconds(30), () -> first.poll(Duration.ofMillis(200))));
                assertTrue(fenced.getMessage().contains("'worker-x'") && fenced.getMessage().contains(group),
                        fenced.getMessage());
            }
        }
    }

    @Test
    void aCrashedStaticMemberThatComesBackUnderItsIdGetsItsPartitionAtOnce() throws Exception {
        String topic = newTopic(1);
        String group = "static-" + UUID.randomUUID();
        publish(topic, "{\"n\":1}");
        // A long session timeout, so only static membership can explain a quick takeover.
        Map<String, Object> member = Map.of("group.instance.id", "worker-a", "session.timeout.ms", "30000");
        KafkaEventSource crashed = source(topic, group, 4, member);
        List<Delivery> first = new ArrayList<>();
        Await.repeatWhile(first::isEmpty, Duration.ofSeconds(30), () -> first.addAll(crashed.poll(Duration.ofMillis(200))));
        assertEquals(1, first.size());
        // The process dies: no commit, no leave-group (a static member that crashes stays in the group).
        java.lang.reflect.Field f = KafkaEventSource.class.getDeclaredField("consumer");
        f.setAccessible(true);
        ((org.apache.kafka.clients.consumer.KafkaConsumer<?, ?>) f.get(crashed)).close(
                org.apache.kafka.clients.consumer.CloseOptions.groupMembershipOperation(
                        org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        long restarted = System.nanoTime();
        try (KafkaEventSource again = source(topic, group, 4, member)) {
            List<Delivery> redelivered = new ArrayList<>();
            Await.repeatWhile(redelivered::isEmpty, Duration.ofSeconds(25),
                    () -> redelivered.addAll(again.poll(Duration.ofMillis(200))));
            double seconds = (System.nanoTime() - restarted) / 1e9;
            assertEquals(1, redelivered.size(), "the uncommitted event comes again");
            assertTrue(seconds < 10, "taken over in " + seconds + " s, not after the 30 s session timeout");
            System.out.printf("KafkaTransportTest: static member back in %.1f s%n", seconds);
            again.complete(redelivered.get(0));
        }
    }

    @Test
    void theGroupInstanceIdIsThePodNameInsideKubernetesOnly() {
        io.vaultml.api.config.Config auto = KafkaSettings.CONFIG.parse(io.vaultml.api.config.ConfigSource.of(Map.of()));
        assertEquals(java.util.Optional.of("vault-ml-7d9f-abcde"), KafkaSettings.groupInstanceId(auto, Map.of(
                "KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOSTNAME", "vault-ml-7d9f-abcde")));
        assertEquals(java.util.Optional.empty(), KafkaSettings.groupInstanceId(auto, Map.of("HOSTNAME", "laptop")),
                "two workers on one machine share a host name: no static id outside Kubernetes");
        io.vaultml.api.config.Config none = KafkaSettings.CONFIG.parse(io.vaultml.api.config.ConfigSource.of(Map.of(
                "KAFKA_GROUP_INSTANCE_ID", "none")));
        assertEquals(java.util.Optional.empty(), KafkaSettings.groupInstanceId(none, Map.of(
                "KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOSTNAME", "pod")));
        io.vaultml.api.config.Config fixed = KafkaSettings.CONFIG.parse(io.vaultml.api.config.ConfigSource.of(Map.of(
                "KAFKA_GROUP_INSTANCE_ID", "edge-3", "KAFKA_BROKER", "k:9092")));
        assertEquals(java.util.Optional.of("edge-3"), KafkaSettings.groupInstanceId(fixed, Map.of()));
        assertEquals("10000", KafkaSettings.consumer(fixed).get("session.timeout.ms"));
    }

    @Test
    void aCrashBetweenPublishAndCommitRedeliversAndTheKeyDeduplicates() throws Exception {
        String topic = newTopic(1);
        String results = newTopic(1);
        String group = "crash-" + UUID.randomUUID();
        publish(topic, "{\"payload\":{\"key\":\"cam/1.mp4\"}}");
        try (KafkaPublisher publisher = new KafkaPublisher(common(), results, "test", Duration.ofSeconds(20))) {
            // First worker: publishes the result, then dies before committing.
            KafkaEventSource first = source(topic, group, 4, Map.of());
            List<Delivery> got = new ArrayList<>();
            Await.repeatWhile(got::isEmpty, Duration.ofSeconds(30), () -> got.addAll(first.poll(Duration.ofMillis(300))));
            publisher.forward(ForwarderContract.message("cam/1.mp4", "{\"n\":1}"));
            first.close(); // no complete(): the offset is not committed
            // Second worker: gets the same event again, publishes again, commits.
            try (KafkaEventSource second = source(topic, group, 4, Map.of())) {
                List<Delivery> again = new ArrayList<>();
                Await.repeatWhile(() -> again.isEmpty(), Duration.ofSeconds(30), () -> {
                    again.addAll(second.poll(Duration.ofMillis(300)));
                });
                assertEquals(1, again.size());
                assertEquals(got.get(0).id(), again.get(0).id(), "same topic, partition and offset");
                publisher.forward(ForwarderContract.message("cam/1.mp4", "{\"n\":1}"));
                second.complete(again.get(0));
                second.poll(Duration.ofMillis(100));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> out = readAll(results, 2);
        assertEquals(2, out.size(), "at least once: the result was published twice");
        Set<String> keys = new TreeSet<>();
        out.forEach(r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        assertEquals(Set.of("cam/1.mp4"), keys, "downstream deduplicates by record key");
    }

    @Test
    void deadLettersKeepTheBytesAndCarryTheReason() throws Exception {
        String dlq = newTopic(1);
        byte[] poison = {(byte) 0xff, '{', 'x'};
        try (KafkaPublisher publisher = new KafkaPublisher(common(), dlq, "test", Duration.ofSeconds(20))) {
            publisher.deadLetter(DeadLetter.of(new Delivery("recordings-0@7", poison, Map.of(), 2), "",
                    new UnprocessableInputException("parse", "Event is not valid JSON: Unexpected character")));
        }
        List<ConsumerRecord<byte[], byte[]>> got = readAll(dlq, 1);
        assertEquals(1, got.size());
        assertArrayEquals(poison, got.get(0).value());
        Map<String, String> headers = new HashMap<>();
        for (Header h : got.get(0).headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertEquals("Event is not valid JSON: Unexpected character", headers.get("vaultml-dlq-reason"));
        assertEquals("parse", headers.get("vaultml-dlq-stage"));
        assertEquals("io.vaultml.api.UnprocessableInputException", headers.get("vaultml-dlq-exception"));
        assertEquals("2", headers.get("vaultml-dlq-attempt"));
        assertEquals("recordings-0@7", headers.get("vaultml-dlq-source"));
        assertFalse(headers.containsKey("vaultml-dlq-recording-key"));
    }

    /** Polls until {@code n} deliveries came or the deadline passed. */
    static List<Delivery> pollFor(KafkaEventSource source, int n, Duration within) {
        List<Delivery> got = new ArrayList<>();
        Await.repeatWhile(() -> got.size() < n, within, () -> {
            got.addAll(source.poll(Duration.ofMillis(200)));
        });
        return got;
    }

    @Test
    void aReleasedRecordComesBackAloneAndItsNeighboursAreNotRedelivered() throws Exception {
        String topic = newTopic(1);
        String group = "rewind-" + UUID.randomUUID();
        for (int i = 0; i < 5; i++) {
            publish(topic, "{\"n\":" + i + "}");
        }
        try (KafkaEventSource source = source(topic, group, 8, Map.of())) {
            List<Delivery> first = pollFor(source, 5, Duration.ofSeconds(20));
            assertEquals(5, first.size());
            source.complete(first.get(0));
            source.complete(first.get(2));
            source.retryLater(first.get(1)); // seeks back to offset 1; 2 is settled, 3 and 4 still in flight
            List<Delivery> again = pollFor(source, 2, Duration.ofSeconds(3));
            assertEquals(List.of(first.get(1).id()), again.stream().map(Delivery::id).toList(),
                    "only the released record is delivered again");
            again.forEach(source::complete);
            source.complete(first.get(3));
            source.complete(first.get(4));
            assertEquals(List.of(), pollFor(source, 1, Duration.ofSeconds(1)));
        }
        try (KafkaEventSource next = source(topic, group, 8, Map.of())) {
            assertEquals(List.of(), pollFor(next, 1, Duration.ofSeconds(4)), "everything was committed");
        }
    }

    @Test
    void aCommitInterruptedByAWakeupIsRetriedNotDropped() throws Exception {
        String topic = newTopic(1);
        String group = "wakeup-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            publish(topic, "{\"n\":" + i + "}");
        }
        KafkaEventSource source = source(topic, group, 8, Map.of());
        List<Delivery> got = pollFor(source, 3, Duration.ofSeconds(20));
        assertEquals(3, got.size());
        got.forEach(source::complete);
        source.wakeup(); // the commit in the next poll meets the wakeup, as at SIGTERM
        source.poll(Duration.ofMillis(100));
        source.poll(Duration.ofMillis(100)); // commits what the interrupted commit left
        // Crash: no orderly close, so nothing is committed on the way out.
        source.closeWithoutCommit();
        try (KafkaEventSource next = source(topic, group, 8, Map.of())) {
            assertEquals(List.of(), pollFor(next, 1, Duration.ofSeconds(4)), "the settled offsets were committed");
        }
    }

    @Test
    void anUnreachableBrokerIsAClearStartupError() {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", "127.0.0.1:1", "security.protocol", "PLAINTEXT"));
        ConfigException e = assertThrows(ConfigException.class, () -> new KafkaEventSource(props, "t", "g", "test",
                "earliest", 1, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("Kafka at KAFKA_BROKER did not answer within 2 s"), e.getMessage());
    }
}
