package io.vaultml.api;

/**
 * Downloads the recording an event points at (Kerberos Vault, a signed URL, a local file).
 *
 * <p>Called concurrently from several pipeline threads: implementations are thread-safe. Calls block until the
 * media is in memory or the fetch failed. Throw {@link RetriableException} for connection errors, timeouts and
 * server errors (5xx), after the implementation's own retries; throw {@link UnprocessableInputException} (stage
 * {@code fetch}) when the recording can never be fetched (401, 404, larger than allowed, size mismatch). Neither
 * message may contain credentials. {@link #close} is idempotent.
 */
public interface MediaFetcher extends AutoCloseable {

    Media fetch(RecordingEvent event);

    /**
     * Fetches within {@code timeLimit}: the recording's deadline, which bounds the whole download, however slowly
     * a host sends (read timeouts alone let a host that sends a byte every few seconds hold a thread for days).
     * Past it, throw {@link RetriableException}. The default ignores the limit; fetchers that talk to a network
     * override this.
     */
    default Media fetch(RecordingEvent event, java.time.Duration timeLimit) {
        return fetch(event);
    }

    @Override
    default void close() {
    }
}
