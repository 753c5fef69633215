/**
 * Kafka transport: {@link io.vaultml.kafka.KafkaEventSource} (a consumer group with manual, at-least-once
 * commits and cooperative rebalancing), {@link io.vaultml.kafka.KafkaPublisher} (results to {@code QUEUE_TARGET}
 * keyed by recording, and dead letters with their reason in headers), configured by
 * {@link io.vaultml.kafka.KafkaSettings}.
 */
package io.vaultml.kafka;
