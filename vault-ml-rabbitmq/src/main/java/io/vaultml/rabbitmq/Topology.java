package io.vaultml.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.vaultml.api.ConfigException;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares the queues vault-ml uses the way Kerberos Hub declares them (durable, {@code x-queue-type}), and turns
 * the broker's channel-closing answers into startup errors that say what is wrong.
 */
final class Topology {
    private static final Logger log = LoggerFactory.getLogger(Topology.class);

    /** AMQP reply codes that close a channel. */
    static final int ACCESS_REFUSED = 403;
    static final int NOT_FOUND = 404;
    static final int PRECONDITION_FAILED = 406;

    private Topology() {
    }

    /**
     * Declares a durable queue of {@code queueType}. An existing queue with other arguments, or one this user may
     * neither declare nor find, is a {@link ConfigException}; a user without configure permission is fine as long
     * as the queue exists.
     */
    static void declareQueue(Connection connection, String queue, String queueType) {
        try {
            withChannel(connection, ch -> ch.queueDeclare(queue, true, false, false, Map.of("x-queue-type", queueType)));
        } catch (IOException e) {
            Optional<AMQP.Channel.Close> close = channelClose(e);
            int code = close.map(AMQP.Channel.Close::getReplyCode).orElse(0);
            String said = close.map(AMQP.Channel.Close::getReplyText).orElse(String.valueOf(e.getMessage()));
            if (code == PRECONDITION_FAILED) {
                throw new ConfigException("RabbitMQ queue '" + queue + "' exists with other arguments than a durable "
                        + queueType + " queue (RABBITMQ_QUEUE_TYPE=" + queueType + "); the broker says: " + said);
            }
            if (code == ACCESS_REFUSED) {
                requireExists(connection, queue, "may not declare it (" + said + ")");
                log.info("RabbitMQ queue '{}' exists; this user may not declare queues, so its arguments are "
                        + "not checked", queue);
                return;
            }
            throw new ConfigException("Declaring RabbitMQ queue '" + queue + "' failed: " + said);
        }
    }

    /** The exchange must exist; vault-ml never declares one (its type and bindings are the operator's). */
    static void requireExchange(Connection connection, String exchange) {
        if (exchange.isEmpty()) {
            return;
        }
        try {
            withChannel(connection, ch -> ch.exchangeDeclarePassive(exchange));
        } catch (IOException e) {
            throw new ConfigException("RabbitMQ exchange '" + exchange + "' (RABBITMQ_EXCHANGE) does not exist or "
                    + "may not be used: " + channelClose(e).map(AMQP.Channel.Close::getReplyText).orElse(e.getMessage()));
        }
    }

    private static void requireExists(Connection connection, String queue, String why) {
        try {
            withChannel(connection, ch -> ch.queueDeclarePassive(queue));
        } catch (IOException e) {
            throw new ConfigException("RabbitMQ queue '" + queue + "' does not exist and this user " + why);
        }
    }

    /** The channel-level close the broker answered with, if that is what failed. */
    static Optional<AMQP.Channel.Close> channelClose(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s && !s.isHardError()
                    && s.getReason() instanceof AMQP.Channel.Close close) {
                return Optional.of(close);
            }
        }
        return Optional.empty();
    }

    private interface ChannelWork {
        void run(Channel channel) throws IOException;
    }

    /** Runs one declaration on a channel of its own: a refused declaration closes the channel it was sent on. */
    private static void withChannel(Connection connection, ChannelWork work) throws IOException {
        Channel channel = connection.createChannel();
        try {
            work.run(channel);
        } finally {
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | java.util.concurrent.TimeoutException | ShutdownSignalException ignored) {
                    // closing a channel the broker is closing too
                }
            }
        }
    }
}
