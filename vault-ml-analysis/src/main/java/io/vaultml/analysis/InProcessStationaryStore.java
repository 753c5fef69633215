package io.vaultml.analysis;

import io.vaultml.api.StationaryStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * {@code STATIONARY_MEMORY=memory}: each camera's text in this process, forgotten {@code ttl} after its last update,
 * and at most {@value #CAMERAS} cameras (the least recently updated forgotten first). With several workers each one
 * remembers only the recordings it analysed; {@code redis} shares the memory.
 */
public final class InProcessStationaryStore implements StationaryStore {
    static final int CAMERAS = 10_000;

    private record Entry(String text, long expiresAt) {
    }

    private final LongSupplier clockMillis;
    private final Map<String, Entry> cameras = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > CAMERAS;
        }
    };

    public InProcessStationaryStore() {
        this(System::currentTimeMillis);
    }

    InProcessStationaryStore(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    @Override
    public synchronized String update(String camera, UnaryOperator<String> change, Duration ttl) {
        long now = clockMillis.getAsLong();
        Entry current = cameras.get(camera);
        String next = change.apply(current == null || current.expiresAt() <= now ? null : current.text());
        cameras.put(camera, new Entry(next, now + ttl.toMillis()));
        return next;
    }

    @Override
    public String describe() {
        return "this process's memory";
    }
}
