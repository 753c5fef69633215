package io.vaultml.kerberos.http;

import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP exchange with bounded time and size. Connection failures, timeouts, 5xx and 429 become
 * {@link RetriableException}s; other non-2xx answers are returned for the caller to classify. Messages name the
 * operation and recording, never header values (they carry credentials).
 */
final class HttpCall {
    static {
        // HttpURLConnection silently sends a POST again when a kept-alive connection turns out stale; retries are
        // Resilience's job (counted, backed off, visible), so turn that off unless the user set it.
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

    record Response(int status, byte[] body) {
        String excerpt() {
            String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").trim();
            return text.isEmpty() ? "(empty body)" : text;
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final String method;
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;

    HttpCall(String method, URI uri) {
        this.method = method;
        this.uri = uri;
    }

    HttpCall header(String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
        return this;
    }

    HttpCall body(byte[] json) {
        this.body = json;
        headers.putIfAbsent("Content-Type", "application/json");
        return this;
    }

    /**
     * @param what names the call in errors, e.g. {@code "Vault download of cam/1.mp4"}
     * @param maxBytes a 2xx body larger than this is a permanent error (stage {@code stage})
     */
    Response send(String what, String stage, Duration connectTimeout, Duration readTimeout, long maxBytes) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) uri.toURL().openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout((int) connectTimeout.toMillis());
            c.setReadTimeout((int) readTimeout.toMillis());
            c.setInstanceFollowRedirects(true);
            c.setUseCaches(false);
            headers.forEach(c::setRequestProperty);
            if (body != null) {
                c.setDoOutput(true);
                c.setFixedLengthStreamingMode(body.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            if (status >= 500 || status == 429 || status == 408) {
                throw new RetriableException(what + " failed: HTTP " + status + " " + excerpt(c.getErrorStream()));
            }
            if (status >= 200 && status < 300) {
                long declared = c.getContentLengthLong();
                if (declared > maxBytes) {
                    throw new UnprocessableInputException(stage, what + " failed: the response is " + declared
                            + " bytes, more than the allowed " + maxBytes);
                }
                try (InputStream in = c.getInputStream()) {
                    return new Response(status, readLimited(in, maxBytes, what, stage));
                }
            }
            try (InputStream err = c.getErrorStream()) {
                return new Response(status, err == null ? new byte[0] : err.readNBytes(4096)); // an excerpt is enough
            }
        } catch (IOException e) {
            throw new RetriableException(what + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    private static byte[] readLimited(InputStream in, long max, String what, String stage) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > max) {
                throw new UnprocessableInputException(stage, what + " failed: the response exceeds the allowed "
                        + max + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static String excerpt(InputStream err) {
        if (err == null) {
            return "";
        }
        try (err) {
            return new Response(0, err.readNBytes(200)).excerpt();
        } catch (IOException e) {
            return "";
        }
    }
}
