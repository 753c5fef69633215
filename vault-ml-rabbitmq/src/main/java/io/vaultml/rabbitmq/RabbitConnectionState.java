package io.vaultml.rabbitmq;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the transport knows about its connection: whether the broker blocks it (a memory or disk alarm: publishing
 * stalls, so consumption pauses), and how often it was recovered. Read by the event source and by {@code /metrics}.
 */
public final class RabbitConnectionState {
    private static final Logger log = LoggerFactory.getLogger(RabbitConnectionState.class);

    private volatile boolean blocked;
    private final AtomicLong recoveries = new AtomicLong();

    /** Listens to {@code connection}'s blocked and recovery notifications. */
    public static RabbitConnectionState watch(Connection connection, String broker) {
        RabbitConnectionState state = new RabbitConnectionState();
        connection.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                state.blocked = true;
                log.warn("RabbitMQ {} blocks this connection ({}): no new recording is taken until it unblocks",
                        broker, reason);
            }

            @Override
            public void handleUnblocked() {
                state.blocked = false;
                log.info("RabbitMQ {} unblocked this connection", broker);
            }
        });
        if (connection instanceof Recoverable recoverable) {
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecoveryStarted(Recoverable r) {
                    log.warn("Connection to RabbitMQ {} lost; reconnecting (messages in flight come again)", broker);
                }

                @Override
                public void handleRecovery(Recoverable r) {
                    state.recoveries.incrementAndGet();
                    log.info("Connection to RabbitMQ {} recovered", broker);
                }
            });
        }
        return state;
    }

    public boolean blocked() {
        return blocked;
    }

    public long recoveries() {
        return recoveries.get();
    }
}
