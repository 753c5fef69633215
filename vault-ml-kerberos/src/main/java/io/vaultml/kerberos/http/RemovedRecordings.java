package io.vaultml.kerberos.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The recordings this process removed from Vault ({@code REMOVE_AFTER_PROCESSED}) after publishing their results,
 * newest kept, oldest forgotten past {@code capacity}. When an event comes again (a redelivery after a crash
 * between delete and commit, or a rebalance), Vault answers 404 for its recording; the fetcher looks here to tell
 * "already done" from "never existed". It lives in memory: after a restart a redelivered, removed recording is a
 * dead letter again, with Vault's 404 as the reason.
 */
public final class RemovedRecordings {
    private final Set<String> keys;

    public RemovedRecordings(int capacity) {
        this.keys = Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        }));
    }

    void add(String key) {
        keys.add(key);
    }

    public boolean contains(String key) {
        return keys.contains(key);
    }
}
