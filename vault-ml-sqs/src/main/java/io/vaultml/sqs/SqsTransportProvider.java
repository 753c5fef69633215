package io.vaultml.sqs;

import io.vaultml.api.Transport;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.QueueKeys;
import io.vaultml.api.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code QUEUE_SYSTEM=SQS}: events from the {@code QUEUE_NAME} queue, results to {@code QUEUE_TARGET}, dead letters
 * to {@code SQS_DEAD_LETTER_QUEUE}; all three queues must exist when it opens.
 */
public final class SqsTransportProvider implements TransportProvider {

    @Override
    public String name() {
        return "sqs";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().include(SqsSettings.CONFIG); // a copy: the shared declaration stays as it is
    }

    @Override
    public List<String> validate(Config config) {
        return SqsSettings.problems(config);
    }

    @Override
    public Transport open(Config config, int maxInFlight) {
        SqsSettings.requireComplete(config);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            // One client each: the source closes its own at shutdown while the publishers may still be draining.
            SqsPublisher results = new SqsPublisher(SqsSettings.client(config), config.get(QueueKeys.QUEUE_TARGET), true);
            opened.add(results);
            SqsPublisher deadLetters = new SqsPublisher(SqsSettings.client(config), SqsSettings.deadLetterQueue(config),
                    true);
            opened.add(deadLetters);
            SqsEventSource events = new SqsEventSource(SqsSettings.client(config), config.get(QueueKeys.QUEUE_NAME),
                    config.get(SqsSettings.SQS_VISIBILITY_TIMEOUT), maxInFlight);
            return new Opened(events, results, deadLetters);
        } catch (RuntimeException e) {
            throw TransportProvider.closeOpened(e, opened);
        }
    }

    private record Opened(SqsEventSource events, SqsPublisher results, SqsPublisher deadLetters) implements Transport {
        @Override
        public java.util.Map<String, java.util.function.DoubleSupplier> gauges() {
            return java.util.Map.of("vaultml.queue.messages.ready", events::messagesReady);
        }

        @Override
        public void close() {
            events.close();
            results.close();
            deadLetters.close();
        }
    }
}
