package io.vaultml.kafka;

import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Forwarder;
import io.vaultml.api.OutageException;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes to Kafka: results to {@code QUEUE_TARGET} with the recording key as record key and provenance in
 * headers; dead letters to the dead-letter topic with the original bytes and {@code vaultml-dlq-*} headers
 * (reason, stage, exception, attempt, recording key, source). Idempotent producer, {@code acks=all}; a send counts
 * only once the broker acknowledged it.
 */
public final class KafkaPublisher implements Forwarder, DeadLetterSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Duration timeout;
    /** How long the worker waits after the broker did not acknowledge before it tries again. */
    private static final Duration OUTAGE_PAUSE = Duration.ofSeconds(5);

    public KafkaPublisher(Map<String, Object> common, String topic, String clientId, Duration timeout) {
        Map<String, Object> props = new HashMap<>(common);
        props.put("client.id", clientId);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("delivery.timeout.ms", String.valueOf(Math.max(timeout.toMillis(), 15_000)));
        props.put("request.timeout.ms", String.valueOf(Math.min(timeout.toMillis(), 14_000)));
        props.put("max.block.ms", String.valueOf(timeout.toMillis()));
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
        this.timeout = timeout;
    }

    @Override
    public void forward(ResultMessage message) {
        List<Header> headers = new ArrayList<>();
        message.headers().forEach((k, v) -> headers.add(header(k, v)));
        send(new ProducerRecord<>(topic, null, message.key().getBytes(StandardCharsets.UTF_8), message.body(), headers),
                "result for " + message.key());
    }

    @Override
    public void deadLetter(DeadLetter entry) {
        List<Header> headers = new ArrayList<>(List.of(header("vaultml-dlq-reason", entry.reason()),
                header("vaultml-dlq-stage", entry.stage()), header("vaultml-dlq-exception", entry.exceptionClass()),
                header("vaultml-dlq-attempt", String.valueOf(entry.delivery().attempt())),
                header("vaultml-dlq-source", entry.delivery().id())));
        if (!entry.recordingKey().isEmpty()) {
            headers.add(header("vaultml-dlq-recording-key", entry.recordingKey()));
        }
        byte[] key = entry.recordingKey().isEmpty() ? null : entry.recordingKey().getBytes(StandardCharsets.UTF_8);
        send(new ProducerRecord<>(topic, null, key, entry.delivery().payload(), headers),
                "dead letter for " + entry.delivery().id());
    }

    /**
     * Checks at startup that the topic exists and this producer may see it, so that a missing results or
     * dead-letter topic is a startup error rather than every event's retry.
     *
     * @throws ConfigException naming the topic
     */
    public void checkTopic() {
        try {
            java.util.List<org.apache.kafka.common.PartitionInfo> partitions = producer.partitionsFor(topic);
            if (partitions == null || partitions.isEmpty()) {
                throw new ConfigException("Kafka topic " + topic + " does not exist");
            }
        } catch (AuthorizationException e) {
            throw new ConfigException("Kafka denies access to topic " + topic + ": " + e.getMessage());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new ConfigException("Kafka topic " + topic + " was not found within " + timeout.toSeconds()
                    + " s (create it, or allow the broker to auto-create topics)");
        } catch (KafkaException e) {
            throw new ConfigException("Kafka topic " + topic + " cannot be used: " + e.getMessage());
        }
    }

    /**
     * Sends and waits for the acknowledgement. An authorisation error, an invalid or deleted topic is a
     * configuration error (it fails every event); what Kafka marks retriable (timeouts, a broker that is down or
     * electing a leader) is an outage: the worker pauses rather than spending the event's retries; anything else
     * (a record too large, a record the broker's validation refuses) is this entry's permanent error.
     */
    private void send(ProducerRecord<byte[], byte[]> record, String what) {
        try {
            producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while publishing the " + what + " to " + topic);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RecordTooLargeException) {
                throw new UnprocessableInputException("forward", "The " + what + " is too large for Kafka topic "
                        + topic + ": " + cause.getMessage());
            }
            if (cause instanceof AuthorizationException || cause instanceof InvalidTopicException) {
                throw new ConfigException("Kafka refuses publishing to topic " + topic + ": " + cause.getMessage());
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException
                    && String.valueOf(cause.getMessage()).contains("not present in metadata")) {
                // It existed at startup (checkTopic): it was deleted, which fails every event alike.
                throw new ConfigException("Kafka topic " + topic + " no longer exists");
            }
            if (!(cause instanceof org.apache.kafka.common.errors.RetriableException)) {
                // Kafka marks what a later try may fix; anything else is about this record, so it is this entry's
                // outcome rather than an outage the worker would wait out forever.
                throw new UnprocessableInputException("forward", "Kafka rejects the " + what + " on " + topic + ": "
                        + cause.getClass().getSimpleName() + ": " + cause.getMessage());
            }
            throw new OutageException("Publishing the " + what + " to " + topic + " failed: " + cause.getMessage(),
                    OUTAGE_PAUSE, cause);
        } catch (TimeoutException e) {
            throw new OutageException("Kafka did not acknowledge the " + what + " on " + topic + " within "
                    + timeout.toSeconds() + " s", OUTAGE_PAUSE);
        } catch (AuthorizationException e) {
            throw new ConfigException("Kafka refuses publishing to topic " + topic + ": " + e.getMessage());
        } catch (KafkaException e) {
            // send() itself throws when metadata cannot be had within max.block.ms
            throw new OutageException("Publishing the " + what + " to " + topic + " failed: " + e.getMessage(),
                    OUTAGE_PAUSE, e);
        }
    }

    private static Header header(String key, String value) {
        return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String describe() {
        return "kafka topic " + topic;
    }

    @Override
    public void close() {
        producer.close(KafkaSettings.closeTimeout());
    }
}
