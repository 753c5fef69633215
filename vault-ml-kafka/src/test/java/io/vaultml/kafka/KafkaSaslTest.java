package io.vaultml.kafka;

import io.vaultml.test.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Delivery;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** SASL/PLAIN configured from the original KAFKA_* variables. */
@Tag("broker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSaslTest {
    EmbeddedKafka kafka;

    @BeforeAll
    void start() throws Exception {
        kafka = new EmbeddedKafka(true);
    }

    @AfterAll
    void stop() throws Exception {
        kafka.close();
    }

    Config config(String password) {
        return KafkaSettings.CONFIG.parse(ConfigSource.of(Map.of("KAFKA_BROKER", kafka.bootstrapServers(),
                "KAFKA_SECURITY", "SASL_PLAINTEXT", "KAFKA_MECHANISM", "PLAIN", "KAFKA_USERNAME", "worker",
                "KAFKA_PASSWORD", password, "QUEUE_NAME", "secure-recordings", "QUEUE_TARGET", "secure-results",
                "KAFKA_GROUP", "secure")));
    }

    @Test
    void theOriginalVariablesConnectOverSasl() throws Exception {
        Config c = config("worker-secret");
        KafkaSettings.requireComplete(c);
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(withSerializers(KafkaSettings.common(c)))) {
            p.send(new ProducerRecord<>("secure-recordings", "{\"payload\":{\"key\":\"k\"}}".getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KafkaEventSource source = new KafkaEventSource(KafkaSettings.common(c), c.get(KafkaSettings.QUEUE_NAME),
                c.get(KafkaSettings.KAFKA_GROUP), "test", "earliest", 4, Duration.ofSeconds(20))) {
            List<Delivery> got = new ArrayList<>();
            Await.repeatWhile(() -> got.isEmpty(), Duration.ofSeconds(30), () -> {
                got.addAll(source.poll(Duration.ofMillis(300)));
            });
            assertEquals(1, got.size());
            source.complete(got.get(0));
        }
    }

    @Test
    void aWrongPasswordIsAClearStartupErrorThatDoesNotShowIt() {
        Config c = config("not-the-password-123");
        ConfigException e = assertThrows(ConfigException.class, () -> new KafkaEventSource(KafkaSettings.common(c),
                "secure-recordings", "secure", "test", "earliest", 1, Duration.ofSeconds(20)));
        assertTrue(e.getMessage().startsWith("Kafka rejected the credentials"), e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password-123"));
    }

    @Test
    void propertiesTheWorkerSetsItselfAreRefusedNotSilentlyIgnored() {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.requireComplete(
                KafkaSettings.CONFIG.parse(ConfigSource.of(Map.of("KAFKA_BROKER", "k:9092", "QUEUE_NAME", "in",
                        "QUEUE_TARGET", "out", "KAFKA_PROPERTIES",
                        "acks=1, enable.auto.commit=true, linger.ms=5, max.poll.records=500")))));
        assertEquals(3, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).startsWith("KAFKA_PROPERTIES sets acks, which the worker sets itself"),
                e.problems().get(0));
        assertTrue(e.getMessage().contains("enable.auto.commit") && e.getMessage().contains("max.poll.records"));
        assertFalse(e.getMessage().contains("linger.ms"), "a property the worker leaves alone passes");
    }

    @Test
    void missingSettingsAreListedTogether() {
        ConfigException e = assertThrows(ConfigException.class, () -> KafkaSettings.requireComplete(
                KafkaSettings.CONFIG.parse(ConfigSource.of(Map.of("KAFKA_SECURITY", "SASL_SSL",
                        "KAFKA_PROPERTIES", "ssl.key.password=hunter2,linger.ms")))));
        assertEquals(5, e.problems().size(), e.problems().toString());
        assertEquals("KAFKA_BROKER is required for QUEUE_SYSTEM=KAFKA: Bootstrap servers, comma separated "
                + "(host:port,host:port).", e.problems().get(0));
        assertTrue(e.problems().contains("KAFKA_USERNAME and KAFKA_PASSWORD are required for KAFKA_SECURITY=SASL_SSL"));
        assertTrue(e.problems().contains("Invalid item in KAFKA_PROPERTIES: an item is not key=value (items are not "
                + "shown: they may hold passwords)"));
        assertFalse(e.getMessage().contains("hunter2"));
        assertEquals("secure-recordings-dead-letter", KafkaSettings.deadLetterTopic(config("x")));
        Config withPassthrough = KafkaSettings.CONFIG.parse(ConfigSource.of(Map.of("KAFKA_BROKER", "k:9092",
                "KAFKA_PROPERTIES", "ssl.key.password=hunter2, linger.ms=5")));
        assertEquals("hunter2", KafkaSettings.common(withPassthrough).get("ssl.key.password"));
        assertEquals("5", KafkaSettings.common(withPassthrough).get("linger.ms"));
        assertTrue(withPassthrough.describe().contains("KAFKA_PROPERTIES=[hidden]"));
    }

    static Map<String, Object> withSerializers(Map<String, Object> props) {
        Map<String, Object> p = new java.util.HashMap<>(props);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return p;
    }
}
