package io.vaultml.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Forwarder;
import io.vaultml.api.OutageException;
import io.vaultml.api.ResultMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes results (body = result JSON, headers = recording key and provenance) or dead letters (body = the
 * original message, headers = reason, stage, exception, attempt) to {@code exchange} with the queue name as routing
 * key: persistent, {@code application/json}, mandatory, and with publisher confirms awaited before returning, so
 * the worker acknowledges the input only once the broker has the output.
 *
 * <p>Failures are outages, so the worker pauses instead of spending the event's retries and goes on once the cause
 * is gone: a message no queue takes (returned as unroutable: the queue or binding was deleted after startup
 * checked it), an exchange that no longer exists (the broker closes the channel; a new one is opened on the next
 * publish), a refusal (nack), no confirm in time (the broker blocks publishers during an alarm), a lost
 * connection.
 */
public final class RabbitPublisher implements Forwarder, DeadLetterSink {
    private static final Logger log = LoggerFactory.getLogger(RabbitPublisher.class);
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration OUTAGE_PAUSE = Duration.ofSeconds(5);

    private final Connection connection;
    private final String exchange;
    private final String queue;
    private Channel channel;
    private volatile String returned;

    public RabbitPublisher(Connection connection, String exchange, String queue) {
        this.connection = connection;
        this.exchange = exchange;
        this.queue = queue;
    }

    @Override
    public void forward(ResultMessage message) {
        Map<String, Object> headers = new HashMap<>(message.headers());
        headers.put("vaultml-key", message.key());
        publish(message.body(), headers, "result for " + message.key());
    }

    @Override
    public void deadLetter(DeadLetter entry) {
        Map<String, Object> headers = new HashMap<>(Map.of("vaultml-dlq-reason", entry.reason(),
                "vaultml-dlq-stage", entry.stage(), "vaultml-dlq-exception", entry.exceptionClass(),
                "vaultml-dlq-attempt", entry.delivery().attempt(), "vaultml-dlq-source", entry.delivery().id()));
        if (!entry.recordingKey().isEmpty()) {
            headers.put("vaultml-dlq-recording-key", entry.recordingKey());
        }
        publish(entry.delivery().payload(), headers, "dead letter for " + entry.delivery().id());
    }

    /** One publish at a time: the confirm awaited belongs to this message, and so does a return. */
    private synchronized void publish(byte[] body, Map<String, Object> headers, String what) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(2).headers(headers).build();
        try {
            Channel ch = channel();
            returned = null;
            ch.basicPublish(exchange, queue, true, props, body);
            // The broker sends a basic.return before the confirm of an unroutable mandatory message.
            ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
        } catch (TimeoutException e) {
            throw new OutageException("RabbitMQ did not confirm the " + what + " within " + CONFIRM_TIMEOUT.toSeconds()
                    + " s (is the broker blocked by an alarm?)", OUTAGE_PAUSE, e);
        } catch (IOException | ShutdownSignalException e) {
            throw new OutageException("Publishing the " + what + " to RabbitMQ failed: " + reason(e), OUTAGE_PAUSE, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutageException("Interrupted while publishing the " + what, OUTAGE_PAUSE, e);
        }
        if (returned != null) {
            throw new OutageException("RabbitMQ routes the " + what + " to no queue: " + returned + " (exchange '"
                    + exchange + "', routing key '" + queue + "'; was the queue deleted?)", OUTAGE_PAUSE);
        }
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        if (channel != null && !connection.isOpen()) {
            throw new IOException("the connection is down and recovering");
        }
        if (channel != null) {
            log.warn("RabbitMQ channel publishing to '{}' was closed ({}); opening a new one", queue,
                    reason(channel.getCloseReason()));
        }
        Channel ch = connection.createChannel();
        ch.confirmSelect();
        ch.addReturnListener(r -> returned = r.getReplyCode() + " " + r.getReplyText());
        channel = ch;
        return ch;
    }

    private static String reason(Throwable e) {
        if (e == null) {
            return "unknown";
        }
        return Topology.channelClose(e).map(c -> c.getReplyCode() + " " + c.getReplyText())
                .orElse(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    @Override
    public String describe() {
        return "RabbitMQ queue '" + queue + "'" + (exchange.isEmpty() ? "" : " via exchange '" + exchange + "'");
    }

    @Override
    public synchronized void close() {
        if (channel != null && channel.isOpen()) {
            try {
                channel.close();
            } catch (IOException | TimeoutException | ShutdownSignalException e) {
                log.debug("Closing the RabbitMQ publishing channel: {}", e.getMessage());
            }
        }
    }
}
