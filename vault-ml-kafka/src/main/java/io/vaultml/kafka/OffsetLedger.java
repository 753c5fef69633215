package io.vaultml.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Per partition, the offsets polled since the last commit and whether each is settled (has its outcome), and from
 * that what to commit: up to the first unsettled record, with the settled ones after it in the metadata
 * ({@link SettledOffsets}). Records a previous owner settled beyond its commit are skipped when fetched; records
 * given back stay unsettled until fetched again. Poll thread only.
 */
final class OffsetLedger {
    /** What {@link #admit} says of a fetched record. */
    enum Admission { DELIVER, SKIP }

    private final Map<TopicPartition, TreeMap<Long, Boolean>> polled = new HashMap<>();
    private final Map<TopicPartition, TreeSet<Long>> settledBefore = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> lastCommit = new HashMap<>();
    private final Set<Map.Entry<TopicPartition, Long>> released = new HashSet<>();

    /** A fetched record: deliver it, or skip it (settled or in flight already, or settled by a previous owner). */
    Admission admit(TopicPartition tp, long offset) {
        TreeMap<Long, Boolean> tracked = polled.computeIfAbsent(tp, k -> new TreeMap<>());
        if (tracked.containsKey(offset) && !released.remove(Map.entry(tp, offset))) {
            return Admission.SKIP; // fetched again after a rewind, but settled or in flight: never a second outcome
        }
        TreeSet<Long> before = settledBefore.get(tp);
        if (before != null && before.remove(offset)) {
            tracked.put(offset, true); // a previous owner published it: settled, committed in order
            return Admission.SKIP;
        }
        tracked.put(offset, false);
        return Admission.DELIVER;
    }

    void settle(TopicPartition tp, long offset) {
        TreeMap<Long, Boolean> tracked = polled.get(tp);
        if (tracked != null) {
            tracked.computeIfPresent(offset, (k, v) -> true);
        }
    }

    /** Given back: stays unsettled (no commit passes it) and is delivered again when fetched again. */
    void release(TopicPartition tp, long offset) {
        TreeMap<Long, Boolean> tracked = polled.get(tp);
        if (tracked != null && tracked.containsKey(offset)) {
            released.add(Map.entry(tp, offset));
        }
    }

    /** What a previous owner's commit says it settled beyond its offset. */
    void settledBefore(TopicPartition tp, TreeSet<Long> offsets) {
        settledBefore.put(tp, offsets);
    }

    Set<TopicPartition> partitions() {
        return polled.keySet();
    }

    /** The commits the partitions need now: those that changed since the last one. */
    Map<TopicPartition, OffsetAndMetadata> due(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        for (TopicPartition tp : partitions) {
            TreeMap<Long, Boolean> offsets = polled.get(tp);
            if (offsets == null || offsets.isEmpty()) {
                continue;
            }
            long next = offsets.lastKey() + 1;
            List<Long> beyond = new ArrayList<>();
            for (Map.Entry<Long, Boolean> e : offsets.entrySet()) {
                if (!e.getValue() && next > e.getKey()) {
                    next = e.getKey();
                } else if (e.getValue() && e.getKey() > next) {
                    beyond.add(e.getKey());
                }
            }
            if (next == offsets.firstKey() && beyond.isEmpty()) {
                continue; // nothing settled since the last commit
            }
            beyond.addAll(settledBefore.getOrDefault(tp, new TreeSet<>()));
            OffsetAndMetadata at = new OffsetAndMetadata(next, SettledOffsets.encode(next, beyond));
            if (!at.equals(lastCommit.get(tp))) {
                commit.put(tp, at);
            }
        }
        return commit;
    }

    /** The broker accepted these: what lies below them is forgotten. */
    void committed(Map<TopicPartition, OffsetAndMetadata> commit) {
        commit.forEach((tp, at) -> {
            lastCommit.put(tp, at);
            TreeMap<Long, Boolean> offsets = polled.get(tp);
            if (offsets != null) {
                offsets.headMap(at.offset(), false).clear();
            }
        });
    }

    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            polled.remove(tp);
            settledBefore.remove(tp);
            lastCommit.remove(tp);
        }
        released.removeIf(t -> partitions.contains(t.getKey()));
    }
}
