package io.vaultml.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Transport;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.QueueKeys;
import io.vaultml.api.spi.TransportProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code QUEUE_SYSTEM=RABBITMQ}: events from the {@code QUEUE_NAME} queue, results to {@code QUEUE_TARGET}, dead
 * letters to {@code QUEUE_NAME-dead-letter}; the three are declared as durable quorum queues (as Kerberos Hub
 * declares them) when it opens, over one connection that recovers by itself.
 */
public final class RabbitTransportProvider implements TransportProvider {
    private static final Logger log = LoggerFactory.getLogger(RabbitTransportProvider.class);
    /** How long opening may wait for the broker before it is a startup error. */
    static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String name() {
        return "rabbitmq";
    }

    @Override
    public ConfigDef configDef() {
        return new ConfigDef().include(RabbitSettings.CONFIG); // a copy: the shared declaration stays as it is
    }

    @Override
    public List<String> validate(Config config) {
        return RabbitSettings.problems(config);
    }

    @Override
    public Transport open(Config config, int maxInFlight) {
        RabbitSettings.requireComplete(config);
        String broker = RabbitSettings.describe(config);
        Connection connection = connect(config, broker);
        List<AutoCloseable> opened = new ArrayList<>(List.of(connection::abort));
        try {
            String type = config.get(RabbitSettings.RABBITMQ_QUEUE_TYPE);
            String input = config.get(QueueKeys.QUEUE_NAME);
            String target = config.get(QueueKeys.QUEUE_TARGET);
            String deadLetterQueue = RabbitSettings.deadLetterQueue(config);
            String exchange = config.get(RabbitSettings.RABBITMQ_EXCHANGE);
            for (String queue : List.of(input, target, deadLetterQueue)) {
                Topology.declareQueue(connection, queue, type);
            }
            Topology.requireExchange(connection, exchange);
            RabbitConnectionState state = RabbitConnectionState.watch(connection, broker);
            RabbitPublisher results = new RabbitPublisher(connection, exchange, target);
            opened.add(results);
            RabbitPublisher deadLetters = new RabbitPublisher(connection, exchange, deadLetterQueue);
            opened.add(deadLetters);
            RabbitEventSource events = new RabbitEventSource(connection, input,
                    config.get(RabbitSettings.RABBITMQ_PREFETCH), maxInFlight, state);
            log.info("RabbitMQ {}: consuming '{}', results to '{}', dead letters to '{}'{}", broker, input, target,
                    deadLetterQueue, exchange.isEmpty() ? "" : " via exchange '" + exchange + "'");
            return new Opened(connection, events, results, deadLetters, new QueueDepth(connection, input), state);
        } catch (RuntimeException e) {
            throw TransportProvider.closeOpened(e, opened);
        }
    }

    /** Connects, retrying for {@link #STARTUP_TIMEOUT}; refused credentials fail at once. */
    private static Connection connect(Config config, String broker) {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            try {
                return RabbitSettings.connectionFactory(config).newConnection("vault-ml");
            } catch (PossibleAuthenticationFailureException e) {
                throw new ConfigException("RabbitMQ " + broker + " refuses the credentials of user '"
                        + config.find(RabbitSettings.RABBITMQ_USERNAME).orElse("(from RABBITMQ_HOST)") + "'");
            } catch (IOException | TimeoutException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new ConfigException("RabbitMQ " + broker + " did not answer within "
                            + STARTUP_TIMEOUT.toSeconds() + " s: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                }
                log.warn("RabbitMQ {} does not answer yet ({}); trying again", broker, e.getClass().getSimpleName());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ConfigException("Interrupted while connecting to RabbitMQ " + broker);
                }
            }
        }
    }

    /** Messages ready in the input queue, asked at most every few seconds (a passive declare per scrape). */
    static final class QueueDepth {
        private final Connection connection;
        private final String queue;
        private final java.util.function.LongSupplier clock;
        private double last = Double.NaN;
        private long askedAt;
        private boolean asked;

        QueueDepth(Connection connection, String queue) {
            this(connection, queue, System::nanoTime);
        }

        /** @param clock nanoseconds, as {@link System#nanoTime}; tests move it */
        QueueDepth(Connection connection, String queue, java.util.function.LongSupplier clock) {
            this.connection = connection;
            this.queue = queue;
            this.clock = clock;
        }

        /** The ready messages; asked of the broker at most every 5 s (a scrape must not flood it). */
        synchronized double ready() {
            long now = clock.getAsLong();
            if (asked && now - askedAt < Duration.ofSeconds(5).toNanos()) {
                return last;
            }
            asked = true;
            askedAt = now;
            try {
                Channel ch = connection.createChannel();
                try {
                    last = ch.queueDeclarePassive(queue).getMessageCount();
                } finally {
                    if (ch.isOpen()) {
                        ch.close();
                    }
                }
            } catch (IOException | TimeoutException | RuntimeException e) {
                last = Double.NaN;
            }
            return last;
        }
    }

    private record Opened(Connection connection, RabbitEventSource events, RabbitPublisher results,
            RabbitPublisher deadLetters, QueueDepth depth, RabbitConnectionState state) implements Transport {

        @Override
        public Map<String, DoubleSupplier> gauges() {
            return Map.of("vaultml.queue.messages.ready", depth::ready,
                    "vaultml.rabbitmq.blocked", () -> state.blocked() ? 1 : 0,
                    "vaultml.rabbitmq.recoveries", state::recoveries);
        }

        @Override
        public void close() {
            events.close();
            results.close();
            deadLetters.close();
            if (connection.isOpen()) {
                try {
                    connection.close(5_000);
                } catch (IOException | RuntimeException e) {
                    connection.abort();
                }
            }
        }
    }
}
