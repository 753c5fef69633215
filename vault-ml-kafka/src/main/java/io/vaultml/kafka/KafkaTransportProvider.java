package io.vaultml.kafka;

import io.vaultml.api.Transport;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.spi.TransportProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * {@code QUEUE_SYSTEM=KAFKA}: events from {@code QUEUE_NAME} through consumer group {@code KAFKA_GROUP}, results to
 * {@code QUEUE_TARGET}, dead letters to {@code DEAD_LETTER_TOPIC}; both output topics are checked when it opens.
 */
public final class KafkaTransportProvider implements TransportProvider {
    /** How long opening may wait for the brokers before it is a startup error. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().include(KafkaSettings.CONFIG); // a copy: the shared declaration stays as it is
    }

    @Override
    public List<String> validate(Config config) {
        return KafkaSettings.problems(config);
    }

    @Override
    public Transport open(Config config, int maxInFlight) {
        KafkaSettings.requireComplete(config);
        Map<String, Object> common = KafkaSettings.common(config);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            KafkaPublisher results = new KafkaPublisher(common, config.get(KafkaSettings.QUEUE_TARGET),
                    KafkaSettings.clientId(config, "results"), STARTUP_TIMEOUT);
            opened.add(results);
            KafkaPublisher deadLetters = new KafkaPublisher(common, KafkaSettings.deadLetterTopic(config),
                    KafkaSettings.clientId(config, "dead-letters"), STARTUP_TIMEOUT);
            opened.add(deadLetters);
            results.checkTopic();
            deadLetters.checkTopic();
            KafkaEventSource events = new KafkaEventSource(KafkaSettings.consumer(config),
                    config.get(KafkaSettings.QUEUE_NAME),
                    config.get(KafkaSettings.KAFKA_GROUP), KafkaSettings.clientId(config, "events"),
                    config.get(KafkaSettings.KAFKA_AUTO_OFFSET_RESET), maxInFlight, STARTUP_TIMEOUT);
            return new Opened(events, results, deadLetters);
        } catch (RuntimeException e) {
            throw TransportProvider.closeOpened(e, opened);
        }
    }

    private record Opened(KafkaEventSource events, KafkaPublisher results, KafkaPublisher deadLetters)
            implements Transport {
        @Override
        public Map<String, DoubleSupplier> gauges() {
            return Map.of("vaultml.consumer.lag.max", events::maxLag);
        }

        @Override
        public void close() {
            events.close();
            results.close();
            deadLetters.close();
        }

    }
}
