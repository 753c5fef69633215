package io.vaultml.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what the {@link OffsetLedger} says is due, and reads what previous owners committed, through the
 * consumer of a {@link KafkaEventSource}: wakeups, rebalances in progress and brokers that refuse the metadata are
 * handled here. Poll thread only.
 */
final class OffsetCommitter {
    private static final Logger log = LoggerFactory.getLogger(KafkaEventSource.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OffsetLedger ledger;

    OffsetCommitter(KafkaConsumer<byte[], byte[]> consumer, OffsetLedger ledger) {
        this.consumer = consumer;
        this.ledger = ledger;
    }

    /**
     * Commits, per partition, up to the first record that is not settled. The settled records are forgotten only
     * once the commit succeeded: a failed commit (a wakeup at shutdown, a coordinator move) keeps them, and the
     * next settle commits them again.
     */

    /**
     * @param throughWakeups commit even if {@link KafkaEventSource#wakeup} interrupts: a revoked partition's settled records have
     *     no later poll to be committed at (they are forgotten right after), and the worker calls {@code wakeup}
     *     on every transient failure, deadline and SIGTERM, so one elsewhere would make the new owner publish them
     *     again. A wakeup swallowed here is raised again afterwards, so the poll it was meant for still returns.
     */
    boolean commit(Collection<TopicPartition> partitions, boolean throughWakeups) {
        Map<TopicPartition, OffsetAndMetadata> commit = ledger.due(partitions);
        if (commit.isEmpty()) {
            return true;
        }
        boolean wokenUp = false;
        try {
            for (int tries = 0; ; tries++) {
                try {
                    consumer.commitSync(commit);
                    break;
                } catch (org.apache.kafka.common.errors.OffsetMetadataTooLarge e) {
                    // A broker with a lower offset.metadata.max.bytes: commit the offsets alone (at least once).
                    log.warn("Kafka refused the settled-offsets metadata ({}); committing without it", e.getMessage());
                    commit.replaceAll((tp, at) -> new OffsetAndMetadata(at.offset()));
                } catch (WakeupException e) {
                    wokenUp = true;
                    if (!throughWakeups || tries >= 10) {
                        log.info("Kafka commit of {} interrupted by a wakeup; it is retried at the next poll",
                                commit.keySet());
                        return false;
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.RebalanceInProgressException e) {
            // Expected while members join or leave: the group refuses commits until the rebalance completes.
            log.debug("Kafka commit of {} waits for the rebalance in progress", commit.keySet());
            return false;
        } catch (KafkaException e) {
            // Not fatal: the offsets stay settled here and are committed with the next poll (at least once).
            log.warn("Kafka commit of {} failed: {}; retried at the next poll", commit.keySet(), e.getMessage());
            return false;
        }
        ledger.committed(commit);
        if (wokenUp) {
            consumer.wakeup();
        }
        return true;
    }

    /** Reads what the previous owners settled beyond their commits, so that those records are skipped. */
    void rememberSettledBefore(Collection<TopicPartition> partitions) {
        try {
            committedThroughWakeups(partitions).forEach((tp, at) -> {
                if (at != null) {
                    java.util.TreeSet<Long> settled = SettledOffsets.decode(at.offset(), at.metadata());
                    if (!settled.isEmpty()) {
                        ledger.settledBefore(tp, settled);
                        log.info("Kafka partition {}: {} record(s) after the committed offset {} were already "
                                + "published and are skipped", tp, settled.size(), at.offset());
                    }
                }
            });
        } catch (KafkaException e) {
            // Without them the records are delivered again: at least once, as Kafka's own offset allows.
            log.warn("Kafka: could not read the committed offsets of {}: {}", partitions, e.getMessage());
        }
    }

    private Map<TopicPartition, OffsetAndMetadata> committedThroughWakeups(Collection<TopicPartition> partitions) {
        boolean wokenUp = false;
        try {
            for (int tries = 0; ; tries++) {
                try {
                    return consumer.committed(new java.util.HashSet<>(partitions), Duration.ofSeconds(10));
                } catch (WakeupException e) {
                    wokenUp = true;
                    if (tries >= 10) {
                        throw e;
                    }
                }
            }
        } finally {
            if (wokenUp) {
                consumer.wakeup(); // the poll it was meant for still returns promptly
            }
        }
    }

    /**
     * The final commit. A group that is rebalancing (a member joining as this one stops) refuses commits, and
     * leaving then hands the partitions over as lost, uncommitted: their finished recordings would be published
     * again by the new owners. So, fetching nothing, this polls the rebalance to its end (a revocation on the way
     * commits through the listener) and commits then, within the close timeout.
     */
    void commitBeforeLeaving() {
        long deadline = System.nanoTime() + KafkaSettings.closeTimeout().toNanos();
        while (!commit(ledger.partitions(), false) && System.nanoTime() - deadline < 0) {
            consumer.pause(consumer.assignment());
            try {
                // Records of newly assigned partitions may come back: not tracked, never committed, so ignored.
                consumer.poll(Duration.ofMillis(100));
            } catch (WakeupException e) {
                // a late wakeup from a worker thread: go round again
            }
        }
    }
}
