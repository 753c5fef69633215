package io.vaultml.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.RetriableException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recording events from a RabbitMQ queue, at least once. The broker pushes up to {@code prefetch} unacknowledged
 * messages; each is acknowledged by {@link #complete} only (its outcome is durable), given back with
 * {@code basic.nack} and requeue by {@link #retryLater}, and returned by the broker when the channel or connection
 * dies. The attempt is a quorum queue's {@code x-delivery-count} plus one (a classic queue only says whether the
 * message was delivered before).
 *
 * <p>Faults: the connection recovers on its own (the client's automatic recovery re-registers the consumer; acks
 * of deliveries from before the failure are dropped, their messages come again). A channel the broker closes for
 * an error is replaced at the next {@link #poll}; acknowledgements meant for the old channel are skipped, as the
 * broker has requeued those messages. While the broker blocks the connection (a memory or disk alarm) no new
 * delivery is handed out. A queue deleted under the consumer is a {@link ConfigException}.
 */
public final class RabbitEventSource implements EventSource {
    private static final Logger log = LoggerFactory.getLogger(RabbitEventSource.class);
    private static final Object WAKE = new Object();

    private record Received(Channel channel, long tag, Delivery delivery) {
    }

    private final Connection connection;
    private final String queue;
    private final int prefetch;
    private final int maxInFlight;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final Map<String, Received> inFlight = new ConcurrentHashMap<>();
    private final RabbitConnectionState state;
    private final Object lock = new Object();
    private Channel channel;
    private int generation;
    private volatile String cancelledBecause;
    private volatile boolean closed;

    /**
     * @param prefetch unacknowledged messages the broker may hand out, at most {@code maxInFlight}
     */
    public RabbitEventSource(Connection connection, String queue, int prefetch, int maxInFlight,
            RabbitConnectionState state) {
        this.connection = connection;
        this.queue = queue;
        this.maxInFlight = Math.max(1, maxInFlight);
        this.prefetch = prefetch <= 0 ? this.maxInFlight : Math.min(prefetch, this.maxInFlight);
        this.state = state;
        synchronized (lock) {
            channel = subscribe();
        }
        log.info("Consuming RabbitMQ queue '{}' (prefetch {})", queue, this.prefetch);
    }

    private Channel subscribe() {
        try {
            Channel ch = connection.createChannel();
            ch.basicQos(prefetch);
            String prefix = queue + "#" + (++generation) + "@";
            ch.basicConsume(queue, false, (consumerTag, message) -> arrived.add(received(ch, prefix, message)),
                    consumerTag -> {
                        cancelledBecause = "the broker cancelled the consumer of queue '" + queue
                                + "' (the queue was deleted?)";
                        arrived.add(WAKE);
                    });
            return ch;
        } catch (IOException e) {
            if (Topology.channelClose(e).map(AMQP.Channel.Close::getReplyCode).orElse(0) == Topology.NOT_FOUND) {
                throw new ConfigException("RabbitMQ queue '" + queue + "' does not exist");
            }
            throw new RetriableException("Consuming RabbitMQ queue '" + queue + "' failed: " + e.getMessage(), e);
        } catch (ShutdownSignalException e) {
            throw new RetriableException("Consuming RabbitMQ queue '" + queue + "' failed: connection closed", e);
        }
    }

    private Received received(Channel ch, String idPrefix, com.rabbitmq.client.Delivery message) {
        long tag = message.getEnvelope().getDeliveryTag();
        Map<String, String> attributes = new HashMap<>();
        attributes.put("queue", queue);
        AMQP.BasicProperties props = message.getProperties();
        if (props.getMessageId() != null) {
            attributes.put("messageId", props.getMessageId());
        }
        Object count = props.getHeaders() == null ? null : props.getHeaders().get("x-delivery-count");
        int attempt = count instanceof Number n ? (int) Math.min(Integer.MAX_VALUE - 1, n.longValue()) + 1
                : message.getEnvelope().isRedeliver() ? 2 : 1;
        // Tags are unique per channel; the prefix tells a replaced channel's deliveries apart.
        return new Received(ch, tag, new Delivery(idPrefix + tag, message.getBody(), attributes, Math.max(1, attempt)));
    }

    @Override
    public List<Delivery> poll(Duration timeout) {
        if (cancelledBecause != null) {
            throw new ConfigException("RabbitMQ: " + cancelledBecause);
        }
        if (closed) {
            return List.of();
        }
        reopenIfClosedByError();
        List<Delivery> out = new ArrayList<>();
        try {
            if (state.blocked() || inFlight.size() >= maxInFlight) {
                // Hold what has arrived; wait for a wakeup (a settled delivery) or the timeout.
                Object o = arrived.poll(Math.min(timeout.toMillis(), 200), TimeUnit.MILLISECONDS);
                if (o != null && o != WAKE) {
                    arrived.add(o); // keep it for the next poll; order within a prefetch window is not promised
                }
                return out;
            }
            Object first = arrived.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<Object> batch = new ArrayList<>();
            if (first != null) {
                batch.add(first);
                arrived.drainTo(batch, Math.max(0, maxInFlight - inFlight.size() - 1));
            }
            for (Object o : batch) {
                if (o instanceof Received r) {
                    if (!r.channel().isOpen()) {
                        continue; // the broker requeued it when that channel closed; it comes again
                    }
                    inFlight.put(r.delivery().id(), r);
                    out.add(r.delivery());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cancelledBecause != null && out.isEmpty()) {
            throw new ConfigException("RabbitMQ: " + cancelledBecause);
        }
        return out;
    }

    /** A channel closed by a channel-level error does not recover by itself (a lost connection does). */
    private void reopenIfClosedByError() {
        synchronized (lock) {
            if (channel.isOpen() || !connection.isOpen() || closed) {
                return;
            }
            ShutdownSignalException why = channel.getCloseReason();
            log.warn("RabbitMQ channel consuming '{}' was closed ({}); opening a new one, its unacknowledged "
                    + "messages come again", queue, why == null ? "unknown" : why.getReason().protocolMethodName());
            inFlight.values().removeIf(r -> r.channel() == channel);
            channel = subscribe();
        }
    }

    @Override
    public void complete(Delivery delivery) {
        Received r = inFlight.remove(delivery.id());
        if (r != null) {
            settle(r, true);
        }
        arrived.add(WAKE);
    }

    @Override
    public void retryLater(Delivery delivery) {
        Received r = inFlight.remove(delivery.id());
        if (r != null) {
            settle(r, false);
        }
        arrived.add(WAKE);
    }

    private void settle(Received r, boolean ack) {
        if (!r.channel().isOpen()) {
            // The broker requeued it when the channel closed: it comes again (at least once).
            log.info("RabbitMQ delivery {} cannot be {} on its closed channel; the broker delivers it again",
                    r.delivery().id(), ack ? "acknowledged" : "requeued");
            return;
        }
        try {
            synchronized (lock) {
                if (ack) {
                    r.channel().basicAck(r.tag(), false);
                } else {
                    r.channel().basicNack(r.tag(), false, true);
                }
            }
        } catch (IOException | ShutdownSignalException e) {
            log.warn("Could not {} RabbitMQ delivery {}; the broker delivers it again: {}", ack ? "acknowledge"
                    : "requeue", r.delivery().id(), e.getMessage());
        }
    }

    @Override
    public void wakeup() {
        arrived.add(WAKE);
    }

    /** Deliveries handed out and not yet settled. */
    int inFlight() {
        return inFlight.size();
    }

    @Override
    public String describe() {
        return "RabbitMQ queue '" + queue + "'";
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            // Closing the channel returns every unacknowledged message to the queue, buffered ones included.
            if (channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | java.util.concurrent.TimeoutException | ShutdownSignalException e) {
                    log.debug("Closing the RabbitMQ consumer channel: {}", e.getMessage());
                }
            }
            inFlight.clear();
            arrived.clear();
        }
    }
}
