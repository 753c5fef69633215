package io.vaultml.kerberos.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultml.api.AlreadyHandledException;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.UnprocessableInputException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * Downloads recordings from Kerberos Vault with the four {@code X-Kerberos-Storage-*} headers (the provider is
 * the event's {@code source}, never its {@code provider}):
 * <ul>
 *   <li>{@link Mode#BLOB}: {@code GET {base}/storage/blob} answers the bytes;</li>
 *   <li>{@link Mode#SIGNED_URL}: {@code GET {base}/storage} answers {@code {"data": url}}, then a plain
 *       {@code GET url}. A 200 without a URL is an error, never "success" (the predecessor then analysed the
 *       previous recording again).</li>
 * </ul>
 * 401, 403, 404 and other 4xx answers are permanent ({@link UnprocessableInputException}, stage {@code fetch},
 * with the status and an excerpt of the body); connection errors, timeouts, 429 and 5xx are retried and then
 * reported as {@link io.vaultml.api.RetriableException}. A recording larger than the limit, or whose length
 * differs from the event's {@code payload.fileSize}, is permanent; one whose event declares a size over the limit
 * is refused before anything is downloaded. A 404 for a recording this process removed itself
 * ({@link RemovedRecordings}) is an {@link AlreadyHandledException}: the event is a redelivery of one that has its
 * result.
 *
 * <p>Per-event storage overrides go through {@link VaultEndpoint#forEvent}, which decides where the configured
 * keys may go; the signed URL Vault returns must be an absolute http(s) URL and is called without any credential.
 */
public final class VaultMediaFetcher implements MediaFetcher {
    static final String STAGE = "fetch";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the bytes are obtained. */
    public enum Mode {
        BLOB, SIGNED_URL
    }

    private final VaultEndpoint endpoint;
    private final Mode mode;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final long maxBytes;
    private final Resilience resilience;
    private final RemovedRecordings removed;

    public VaultMediaFetcher(VaultEndpoint endpoint, Mode mode, Duration connectTimeout, Duration readTimeout,
            long maxBytes, Resilience resilience) {
        this(endpoint, mode, connectTimeout, readTimeout, maxBytes, resilience, new RemovedRecordings(0));
    }

    public VaultMediaFetcher(VaultEndpoint endpoint, Mode mode, Duration connectTimeout, Duration readTimeout,
            long maxBytes, Resilience resilience, RemovedRecordings removed) {
        this.removed = removed;
        this.endpoint = endpoint;
        this.mode = mode;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.resilience = resilience;
    }

    @Override
    public Media fetch(RecordingEvent event) {
        return fetch(event, null);
    }

    /** Every HTTP exchange of the fetch, retries included, ends within {@code timeLimit} (null: no limit). */
    @Override
    public Media fetch(RecordingEvent event, Duration timeLimit) {
        if (event.fileSize() > maxBytes) {
            throw new UnprocessableInputException(STAGE, "Recording " + event.key() + " is " + event.fileSize()
                    + " bytes (payload.fileSize), more than the allowed " + maxBytes + " (VAULT_MAX_RECORDING_BYTES)");
        }
        long deadline = System.nanoTime() + HttpCall.saturatedNanos(timeLimit == null ? Duration.ofDays(365) : timeLimit);
        VaultEndpoint target = endpoint.forEvent(event);
        HttpCall.Response r = resilience.call(target.origin(), target.configured(),
                () -> mode == Mode.BLOB ? blob(target, event, deadline) : signed(target, event, deadline));
        if (event.fileSize() >= 0 && r.length() != event.fileSize()) {
            throw new UnprocessableInputException(STAGE, "Recording " + event.key() + " from Vault is " + r.length()
                    + " bytes but the event says payload.fileSize " + event.fileSize());
        }
        return new Media(event.key(), r.buffer(), "video/mp4");
    }

    private HttpCall.Response blob(VaultEndpoint target, RecordingEvent event, long deadline) {
        String what = "Vault download of " + event.key();
        HttpCall.Response r = target.call("GET", "/storage/blob", event, true).expect(event.fileSize())
                .timeLimit(left(deadline))
                .send(what, STAGE, connectTimeout, readTimeout, maxBytes);
        return ok(r, what, event);
    }

    private HttpCall.Response signed(VaultEndpoint target, RecordingEvent event, long deadline) {
        String what = "Vault signed URL for " + event.key();
        HttpCall.Response r = target.call("GET", "/storage", event, true).timeLimit(left(deadline))
                .header("Content-Type", "application/json").send(what, STAGE, connectTimeout, readTimeout, 1 << 20);
        String url;
        try {
            JsonNode data = JSON.readTree(ok(r, what, event).bytes()).get("data");
            url = data == null || !data.isTextual() || data.asText().isBlank() ? null : data.asText();
        } catch (IOException e) {
            url = null;
        }
        if (url == null) {
            throw new UnprocessableInputException(STAGE, what + ": Vault answered " + r.status()
                    + " without a URL in data");
        }
        // Never quote the URL: its query is the signature.
        URI signedUrl = HttpCall.httpUrl(url, "The signed URL Vault returned for " + event.key(), STAGE);
        String download = "download of " + event.key() + " from its signed URL";
        return ok(new HttpCall("GET", signedUrl).expect(event.fileSize()).timeLimit(left(deadline))
                .send(download, STAGE, connectTimeout, readTimeout, maxBytes), download, event);
    }

    /** What is left until the deadline; at least a nanosecond, so a call made after it fails at once. */
    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }

    private HttpCall.Response ok(HttpCall.Response r, String what, RecordingEvent event) {
        if (r.status() == 404 && removed.contains(event.key())) {
            throw new AlreadyHandledException("Recording " + event.key() + " was already analysed, published and "
                    + "removed from Vault by this worker; the event is a redelivery");
        }
        return ok(r, what);
    }

    private static HttpCall.Response ok(HttpCall.Response r, String what) {
        if (!r.ok()) {
            throw new UnprocessableInputException(STAGE, what + " failed: HTTP " + r.status() + " " + r.excerpt());
        }
        return r;
    }
}
