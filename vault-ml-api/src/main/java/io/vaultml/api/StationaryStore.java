package io.vaultml.api;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * Where the memory of parked objects keeps what it knows of each camera: one short text per camera, replaced
 * atomically and forgotten a while after its last change. The memory owns the text's format; a store only keeps it.
 * In-process ({@code STATIONARY_MEMORY=memory}) every worker remembers what it saw itself; a shared store
 * ({@code redis}) lets the workers of a deployment, which each get some of a camera's recordings, see them all.
 *
 * <p>Implementations are thread-safe. Found through {@link io.vaultml.api.spi.StationaryStoreProvider}.
 */
public interface StationaryStore extends AutoCloseable {

    /**
     * Replaces the camera's text by {@code change} applied to it, atomically with respect to every other update of
     * that camera through this store or any other sharing its backing (other processes included), and keeps it
     * for {@code ttl} after this update.
     *
     * @param change gets the current text, or null when the camera has none (never stored, or expired). It may be
     *     called more than once (an optimistic store calls it again when another update came in between), so it
     *     computes only from its argument.
     * @return the text now stored
     * @throws java.util.ConcurrentModificationException when other updates of the camera kept this one from
     *     applying in time: the store works, this recording goes without the memory
     * @throws RuntimeException when the store cannot be reached or did not answer in time (for example an
     *     {@link OutageException}); the message names the store, never a credential. An exception of
     *     {@code change} itself is passed on as it is. The memory then counts
     *     every object, as if it were off, and tries again later.
     */
    String update(String camera, UnaryOperator<String> change, Duration ttl);

    /** What and where, for logs and health: for example {@code Redis at 10.0.0.5:6379 (database 0)}; no credential. */
    String describe();

    /** Releases connections. Idempotent. */
    @Override
    default void close() {
    }
}
