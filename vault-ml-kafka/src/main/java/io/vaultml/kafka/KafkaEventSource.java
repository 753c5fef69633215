package io.vaultml.kafka;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.RetriableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recording events from a Kafka topic through a consumer group, at least once.
 *
 * <p>Auto-commit is off. Each polled record is tracked until the worker completes it; a partition's offset is
 * committed only up to the first record that is still in flight, so a crash redelivers everything not settled.
 * The consumer is used only by the polling thread: completions and retries from worker threads are queued and
 * applied at the next {@link #poll}. While {@code maxInFlight} records are unsettled, every assigned partition is
 * paused, so polling continues (heartbeats, {@code max.poll.interval.ms}) however long a recording takes, without
 * fetching more. {@link #retryLater} seeks the partition back to the record. The assignor is cooperative-sticky, so
 * a rebalance moves only the partitions that change owner and does not stop the others. A revoked partition's
 * recordings that are being processed get up to 30 s to finish before its offsets are committed
 * and it is handed over (otherwise both members would publish them); its records not yet begun are forgotten
 * ({@link #begin} refuses them) and its new owner delivers them. Lost partitions commit nothing.
 */
public final class KafkaEventSource implements EventSource {
    private static final Logger log = LoggerFactory.getLogger(KafkaEventSource.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final String group;
    private final int maxInFlight;
    private final ConcurrentLinkedQueue<Delivery> completions = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Delivery> retries = new ConcurrentLinkedQueue<>();
    /** Begun deliveries between two tries (backing off in the worker): not running, so no rebalance waits for them. */
    private final ConcurrentLinkedQueue<Delivery> suspensions = new ConcurrentLinkedQueue<>();
    // Poll-thread state.
    private final OffsetLedger ledger = new OffsetLedger();
    private final OffsetCommitter committer;
    private final Map<String, TrackedDelivery> inFlight = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    /** Deliveries the worker has begun and not yet completed or given back. */
    private final java.util.Set<String> running = new java.util.HashSet<>();
    /**
     * How long a rebalance waits for the recordings of revoked partitions that are being processed; past it they are
     * handed over anyway (and may be published by both members).
     */
    private static final Duration REVOCATION_GRACE = Duration.ofSeconds(30);
    private final String instanceId;
    /** True while a rebalance waits for the revoked partitions' running recordings (tests wait on it). */
    private volatile boolean revoking;
    /** Set when close begins: the worker has drained, so a rebalance met while closing waits for nothing. */
    private volatile boolean closing;
    private volatile boolean closed;

    /**
     * Connects, checks that the topic is reachable with these credentials, and subscribes.
     *
     * @throws ConfigException for authentication or authorisation failures, or a broker that cannot be reached
     */
    public KafkaEventSource(Map<String, Object> common, String topic, String group, String clientId,
            String autoOffsetReset, int maxInFlight, Duration startupTimeout) {
        this.instanceId = String.valueOf(common.getOrDefault("group.instance.id", "none"));
        this.topic = topic;
        this.group = group;
        this.maxInFlight = maxInFlight;
        Map<String, Object> props = new HashMap<>(common);
        props.put("group.id", group);
        props.put("client.id", clientId);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", autoOffsetReset);
        props.put("max.poll.records", String.valueOf(Math.max(1, maxInFlight)));
        props.put("partition.assignment.strategy", CooperativeStickyAssignor.class.getName());
        props.putIfAbsent("max.poll.interval.ms", "300000");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        this.committer = new OffsetCommitter(consumer, ledger);
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, startupTimeout);
            log.info("Kafka topic {} has {} partition(s); consuming as group {}", topic,
                    partitions == null ? 0 : partitions.size(), group);
            consumer.subscribe(List.of(topic), new Rebalance());
        } catch (AuthenticationException e) {
            consumer.close(Duration.ZERO);
            throw new ConfigException("Kafka rejected the credentials (KAFKA_USERNAME/KAFKA_PASSWORD/KAFKA_MECHANISM): "
                    + e.getMessage());
        } catch (AuthorizationException e) {
            consumer.close(Duration.ZERO);
            throw new ConfigException("Kafka denies access to topic " + topic + " or group " + group + ": " + e.getMessage());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            consumer.close(Duration.ZERO);
            throw new ConfigException("Kafka at KAFKA_BROKER did not answer within " + startupTimeout.toSeconds()
                    + " s (wrong address, or KAFKA_SECURITY does not match the listener): " + e.getMessage());
        }
    }

    @Override
    public List<Delivery> poll(Duration timeout) {
        if (closed) {
            return List.of();
        }
        ConsumerRecords<byte[], byte[]> records;
        try {
            settle(); // inside: a rewind asks the broker for positions, which can time out or meet a wakeup
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return List.of();
        } catch (AuthenticationException | AuthorizationException e) {
            throw new ConfigException("Kafka refused the consumer: " + e.getMessage());
        } catch (org.apache.kafka.common.errors.FencedInstanceIdException e) {
            // Final for this consumer: retrying would log the same error forever while doing nothing.
            throw new ConfigException("Kafka group " + group + " fenced this worker: another consumer joined with the "
                    + "same group instance id '" + instanceId + "' (KAFKA_GROUP_INSTANCE_ID must differ per worker)");
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (KafkaException e) {
            throw new RetriableException("Kafka poll failed: " + e.getMessage(), e);
        }
        List<Delivery> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            String id = r.topic() + "-" + r.partition() + "@" + r.offset();
            if (ledger.admit(tp, r.offset()) == OffsetLedger.Admission.SKIP) {
                continue;
            }
            int attempt = attempts.merge(id, 1, Integer::sum);
            Delivery delivery = new Delivery(id, r.value() == null ? new byte[0] : r.value(), Map.of("topic",
                    r.topic(), "partition", String.valueOf(r.partition()), "offset", String.valueOf(r.offset())),
                    attempt);
            inFlight.put(id, new TrackedDelivery(tp, r.offset(), delivery));
            out.add(delivery);
        }
        updatePause();
        return out;
    }

    /** Applies queued completions and retries, commits what is settled, pauses or resumes. Poll thread only. */
    private void settle() {
        settleCompletionsOnly();
        applyRetries(List.of());
        committer.commit(ledger.partitions(), false);
        updatePause();
    }

    /**
     * Seeks back so the record is fetched again. Later records of the partition come again too, but only the
     * released one is delivered: the others are still tracked (in flight or settled) and {@link #poll} skips them.
     */
    private void rewind(TopicPartition tp, long offset) {
        // Never seek forward: another released record of the partition may sit between here and the position.
        if (offset < consumer.position(tp, Duration.ofSeconds(5))) {
            consumer.seek(tp, offset);
        }
        ledger.release(tp, offset);
    }

    private void updatePause() {
        if (inFlight.size() >= maxInFlight) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Let what is being processed finish and commit it; what was not begun is its new owner's.
            revoking = true;
            try {
                awaitRunning(partitions);
            } finally {
                revoking = false;
            }
            committer.commit(partitions, true);
            forget(partitions);
            log.info("Kafka partitions revoked: {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
            log.warn("Kafka partitions lost (their uncommitted records will be redelivered elsewhere): {}", partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                log.info("Kafka partitions assigned: {}", partitions);
                committer.rememberSettledBefore(partitions);
            }
        }
    }

    private void settleCompletionsOnly() {
        applySuspensions();
        Delivery d;
        while ((d = completions.poll()) != null) {
            TrackedDelivery t = inFlight.get(d.id());
            if (t != null && t.is(d)) {
                running.remove(d.id());
                inFlight.remove(d.id());
                attempts.remove(d.id());
                ledger.settle(t.partition(), t.offset());
            }
        }
    }

    /** Given-back records are fetched again, except those of partitions being revoked (their new owner's now). */
    private void applyRetries(Collection<TopicPartition> leaving) {
        Delivery d;
        while ((d = retries.poll()) != null) {
            TrackedDelivery t = inFlight.get(d.id());
            if (t == null || !t.is(d)) {
                continue; // a stale delivery: its partition left since; the record's newer delivery decides
            }
            running.remove(d.id());
            inFlight.remove(d.id());
            if (!leaving.contains(t.partition()) && consumer.assignment().contains(t.partition())) {
                rewind(t.partition(), t.offset());
            }
        }
    }

    /**
     * Waits until no begun recording of the partitions is still being processed (their completions commit with
     * the partitions), at most the grace. Runs inside the rebalance, on the polling thread, while the worker's
     * threads go on and complete them.
     */
    private void awaitRunning(Collection<TopicPartition> partitions) {
        long deadline = System.nanoTime() + REVOCATION_GRACE.toNanos();
        while (!closed && !closing) { // at close the worker has drained already: what still runs is given up on
            settleCompletionsOnly();
            applyRetries(partitions);
            long left = running.stream().map(inFlight::get)
                    .filter(t -> t != null && partitions.contains(t.partition())).count();
            if (left == 0) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                log.warn("{} recording(s) of revoked partitions {} still being processed after {} s: handed over "
                        + "anyway, so their results may be published twice", left, partitions,
                        REVOCATION_GRACE.toSeconds());
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Poll thread only. */
    private void applySuspensions() {
        Delivery d;
        while ((d = suspensions.poll()) != null) {
            TrackedDelivery t = inFlight.get(d.id());
            if (t != null && t.is(d)) {
                running.remove(d.id());
            }
        }
    }

    @Override
    public void suspend(Delivery delivery) {
        if (!closed) {
            suspensions.add(delivery);
        }
    }

    @Override
    public boolean begin(Delivery delivery) {
        applySuspensions(); // a suspension queued before this begin must not undo it afterwards
        TrackedDelivery t = inFlight.get(delivery.id());
        if (t == null || !t.is(delivery)) {
            return false; // its partition was revoked (and may have come back, with a newer delivery of the record)
        }
        running.add(delivery.id());
        return true;
    }

    private void forget(Collection<TopicPartition> partitions) {
        ledger.forget(partitions);
        for (TopicPartition tp : partitions) {
            // Includes records given back and not fetched again, which inFlight no longer lists.
            String prefix = tp.topic() + "-" + tp.partition() + "@";
            attempts.keySet().removeIf(id -> id.startsWith(prefix));
        }
        for (Iterator<Map.Entry<String, TrackedDelivery>> it = inFlight.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, TrackedDelivery> e = it.next();
            if (partitions.contains(e.getValue().partition())) {
                running.remove(e.getKey());
                attempts.remove(e.getKey());
                it.remove();
            }
        }
    }

    @Override
    public void complete(Delivery delivery) {
        if (!closed) {
            completions.add(delivery);
        }
    }

    @Override
    public void retryLater(Delivery delivery) {
        if (!closed) {
            retries.add(delivery);
        }
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    /**
     * The consumer's largest partition lag in records ({@code records-lag-max}), or NaN before the first fetch.
     * Safe from any thread: Kafka metrics are thread-safe.
     */
    public double maxLag() {
        return consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("records-lag-max")
                        && e.getKey().group().equals("consumer-fetch-manager-metrics") && e.getKey().tags().size() == 1)
                .map(e -> e.getValue().metricValue()).filter(v -> v instanceof Double)
                .mapToDouble(v -> (Double) v).findFirst().orElse(Double.NaN);
    }

    /** Whether a rebalance is waiting for revoked partitions' running recordings; any thread (tests). */
    boolean revoking() {
        return revoking;
    }

    /** Records polled and not yet settled (for tests and metrics); poll thread only. */
    int inFlightCount() {
        return inFlight.size();
    }

    @Override
    public String describe() {
        return "kafka topic " + topic + " (group " + group + ")";
    }

    /** Closes without the final commit, as a crash would (tests). */
    void closeWithoutCommit() {
        closed = true;
        consumer.close(Duration.ZERO);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closing = true;
        try {
            settleCompletionsOnly();
            committer.commitBeforeLeaving();
        } catch (RuntimeException e) {
            log.warn("Final Kafka commit failed: {}", e.getMessage());
        } finally {
            closed = true;
            // Leave the group even as a static member: a worker that stops (scale-down, SIGTERM) hands its
            // partitions over now; one that crashed comes back under its id and gets them again at once.
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(KafkaSettings.closeTimeout()));
        }
    }
}
