package io.vaultml.kerberos.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.UnprocessableInputException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
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
 * differs from the event's {@code payload.fileSize}, is permanent.
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

    public VaultMediaFetcher(VaultEndpoint endpoint, Mode mode, Duration connectTimeout, Duration readTimeout,
            long maxBytes, Resilience resilience) {
        this.endpoint = endpoint;
        this.mode = mode;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.maxBytes = maxBytes;
        this.resilience = resilience;
    }

    @Override
    public Media fetch(RecordingEvent event) {
        VaultEndpoint target = endpoint.forEvent(event);
        byte[] bytes = resilience.call(() -> mode == Mode.BLOB ? blob(target, event) : signed(target, event));
        if (event.fileSize() >= 0 && bytes.length != event.fileSize()) {
            throw new UnprocessableInputException(STAGE, "Recording " + event.key() + " from Vault is " + bytes.length
                    + " bytes but the event says payload.fileSize " + event.fileSize());
        }
        return new Media(event.key(), ByteBuffer.wrap(bytes), "video/mp4");
    }

    private byte[] blob(VaultEndpoint target, RecordingEvent event) {
        String what = "Vault download of " + event.key();
        HttpCall.Response r = target.call("GET", "/storage/blob", event, true)
                .send(what, STAGE, connectTimeout, readTimeout, maxBytes);
        return ok(r, what);
    }

    private byte[] signed(VaultEndpoint target, RecordingEvent event) {
        String what = "Vault signed URL for " + event.key();
        HttpCall.Response r = target.call("GET", "/storage", event, true)
                .header("Content-Type", "application/json").send(what, STAGE, connectTimeout, readTimeout, 1 << 20);
        String url;
        try {
            JsonNode data = JSON.readTree(ok(r, what)).get("data");
            url = data == null || !data.isTextual() || data.asText().isBlank() ? null : data.asText();
        } catch (IOException e) {
            url = null;
        }
        if (url == null) {
            throw new UnprocessableInputException(STAGE, what + ": Vault answered " + r.status()
                    + " without a URL in data");
        }
        String download = "download of " + event.key() + " from its signed URL";
        return ok(new HttpCall("GET", URI.create(url)).send(download, STAGE, connectTimeout, readTimeout, maxBytes),
                download);
    }

    private static byte[] ok(HttpCall.Response r, String what) {
        if (!r.ok()) {
            throw new UnprocessableInputException(STAGE, what + " failed: HTTP " + r.status() + " " + r.excerpt());
        }
        return r.body();
    }
}
