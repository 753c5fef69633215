package io.vaultml.kerberos.http;

import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP exchange with bounded time and size. Connection failures, timeouts, 5xx and 429 become
 * {@link RetriableException}s; other non-2xx answers are returned for the caller to classify. Messages name the
 * operation and recording, never header values (they carry credentials) nor the URL's query (a signed URL's
 * signature).
 *
 * <p>Only absolute {@code http} and {@code https} URLs are called. Redirects are followed by hand, at most
 * {@value #MAX_REDIRECTS}, and a redirect to another origin (scheme, host or port) drops the credential headers:
 * a Vault or Hub that redirects elsewhere never hands that place the keys.
 *
 * <p>A 2xx body is read into an array that grows with what arrives: at most {@value #FIRST_BUFFER} bytes first,
 * then, once those came, the length the server or the event declares: a declared length reserves nothing before
 * its bytes come, so events or servers that claim huge sizes cost no memory, and an honest download holds its
 * recording once (plus the first buffer while it is copied). Without a declared length the array doubles, briefly
 * holding the body twice. A length over the limit is refused before reading.
 *
 * <p>{@link #timeLimit} bounds the whole exchange, body included: a host that trickles (a byte every few seconds,
 * which no read timeout notices) is cut off when the time is up ({@link TimeLimitExceeded}).
 */
final class HttpCall {
    static final int MAX_REDIRECTS = 5;
    /** Headers that carry credentials: dropped when a redirect leaves the origin. */
    static final Set<String> CREDENTIAL_HEADERS = Set.of("x-kerberos-storage-accesskey",
            "x-kerberos-storage-secretaccesskey", "x-kerberos-cloud-key", "authorization");

    static {
        // HttpURLConnection silently sends a POST again when a kept-alive connection turns out stale; retries are
        // Resilience's job (counted, backed off, visible), so turn that off unless the user set it.
        if (System.getProperty("sun.net.http.retryPost") == null) {
            System.setProperty("sun.net.http.retryPost", "false");
        }
    }

    /** A status and body; the body is {@code body[0, length)}. */
    record Response(int status, byte[] body, int length) {
        Response(int status, byte[] body) {
            this(status, body, body.length);
        }

        String excerpt() {
            String text = new String(body, 0, Math.min(length, 200), StandardCharsets.UTF_8)
                    .replaceAll("\\s+", " ").trim();
            return text.isEmpty() ? "(empty body)" : text;
        }

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body without a copy when the array is exactly filled. */
        ByteBuffer buffer() {
            return ByteBuffer.wrap(body, 0, length).slice();
        }

        byte[] bytes() {
            return length == body.length ? body : Arrays.copyOf(body, length);
        }
    }

    private String method;
    private URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private long expectedBytes = -1;
    private long deadlineNanos = Long.MAX_VALUE;
    private boolean hasDeadline;

    /** The first buffer for a body: 1 MiB, so a declared length reserves nothing large before bytes arrive. */
    static final int FIRST_BUFFER = 1 << 20;

    /** Cuts off exchanges whose time is up: closing the connection ends a read blocked on a trickling host. */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor CUTTER = cutter();

    private static java.util.concurrent.ScheduledThreadPoolExecutor cutter() {
        java.util.concurrent.ScheduledThreadPoolExecutor cutter = new java.util.concurrent.ScheduledThreadPoolExecutor(
                1, r -> {
                    Thread t = new Thread(r, "vault-ml-http-deadline");
                    t.setDaemon(true);
                    return t;
                });
        // A finished exchange cancels its cut: drop it at once instead of holding the connection until its deadline.
        cutter.setRemoveOnCancelPolicy(true);
        return cutter;
    }

    /** The whole exchange ran past its time limit: transient (the host may be faster next time), never retried here. */
    static final class TimeLimitExceeded extends RetriableException {
        private static final long serialVersionUID = 1L;

        TimeLimitExceeded(String message) {
            super(message);
        }
    }

    HttpCall(String method, URI uri) {
        this.method = method;
        this.uri = uri;
    }

    /**
     * Checks that {@code url} is an absolute http(s) URL with a host before anything is sent there.
     *
     * @param what names the URL in the error without quoting it, e.g. {@code "data.storage_uri of cam/1.mp4"}
     * @throws UnprocessableInputException with {@code stage} when it is not
     */
    static URI httpUrl(String url, String what, String stage) {
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (Exception e) {
            throw new UnprocessableInputException(stage, what + " is not a valid URL (a space or a character that "
                    + "must be escaped)");
        }
        String scheme = parsed.getScheme();
        if (scheme == null || !parsed.isAbsolute()) {
            throw new UnprocessableInputException(stage, what + " is not an absolute URL: it needs http:// or https://");
        }
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            throw new UnprocessableInputException(stage, what + " has the scheme " + printable(scheme)
                    + ": only http and https are allowed");
        }
        if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
            throw new UnprocessableInputException(stage, what + " has no host");
        }
        return parsed;
    }

    /** scheme://host:port, lower case, with the default port made explicit: what "the same place" means. */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
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

    /** The whole exchange, redirects and body included, must end within {@code limit} from now. */
    HttpCall timeLimit(Duration limit) {
        if (limit != null && !limit.isNegative() && !limit.isZero()) {
            this.deadlineNanos = System.nanoTime() + saturatedNanos(limit);
            this.hasDeadline = true;
        }
        return this;
    }

    /** Nanoseconds of {@code d}, at most a year: a budget an event inflated cannot overflow arithmetic. */
    static long saturatedNanos(Duration d) {
        Duration year = Duration.ofDays(365);
        return (d.compareTo(year) > 0 ? year : d).toNanos();
    }

    /** The size the body is expected to have when the server does not say (chunked): where the buffer grows to. */
    HttpCall expect(long bytes) {
        this.expectedBytes = bytes;
        return this;
    }

    /**
     * @param what names the call in errors, e.g. {@code "Vault download of cam/1.mp4"}
     * @param maxBytes a 2xx body larger than this is a permanent error (stage {@code stage})
     */
    Response send(String what, String stage, Duration connectTimeout, Duration readTimeout, long maxBytes) {
        for (int hop = 0; ; hop++) {
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
                throw new UnprocessableInputException(stage, what + " failed: only http and https URLs are called");
            }
            HttpURLConnection c = null;
            java.util.concurrent.ScheduledFuture<?> cut = null;
            // disconnect is not thread-safe: the cut and the finally below take turns on this lock, never on the
            // connection itself, whose monitor the JDK's own stream code may hold while a read waits for bytes.
            Object turn = new Object();
            boolean[] finished = {false};
            try {
                long left = timeLeft(what);
                c = (HttpURLConnection) uri.toURL().openConnection();
                c.setRequestMethod(method);
                c.setConnectTimeout((int) Math.max(1, Math.min(connectTimeout.toMillis(), left)));
                c.setReadTimeout((int) Math.max(1, Math.min(readTimeout.toMillis(), left)));
                if (hasDeadline) {
                    HttpURLConnection connection = c;
                    cut = CUTTER.schedule(() -> {
                        synchronized (turn) {
                            if (!finished[0]) {
                                connection.disconnect();
                            }
                        }
                    }, left, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                c.setInstanceFollowRedirects(false);
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
                if (isRedirect(status) && c.getHeaderField("Location") != null) {
                    if (hop >= MAX_REDIRECTS) {
                        throw new UnprocessableInputException(stage, what + " failed: more than " + MAX_REDIRECTS
                                + " redirects");
                    }
                    follow(status, c.getHeaderField("Location"), what, stage);
                    continue;
                }
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
                        return readLimited(status, in, declared >= 0 ? declared : expectedBytes, maxBytes, what, stage);
                    }
                }
                try (InputStream err = c.getErrorStream()) {
                    return new Response(status, err == null ? new byte[0] : err.readNBytes(4096)); // an excerpt is enough
                }
            } catch (IOException e) {
                if (hasDeadline && System.nanoTime() - deadlineNanos >= 0) {
                    throw timeUp(what);
                }
                throw new RetriableException(what + " failed: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + withoutQuery(e.getMessage())), e);
            } catch (IllegalArgumentException e) {
                // URL.openConnection and friends reject what URI accepted (an odd host, a bad port).
                throw new UnprocessableInputException(stage, what + " failed: the URL cannot be called ("
                        + e.getClass().getSimpleName() + ")");
            } finally {
                if (cut != null) {
                    cut.cancel(false);
                }
                synchronized (turn) {
                    finished[0] = true; // a cut that has not begun will not; one that has, has ended
                }
                if (c != null) {
                    c.disconnect();
                }
            }
        }
    }

    /** Milliseconds left for the exchange (a day without a limit). */
    private long timeLeft(String what) {
        if (!hasDeadline) {
            return Duration.ofDays(1).toMillis();
        }
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw timeUp(what);
        }
        return left;
    }

    private TimeLimitExceeded timeUp(String what) {
        return new TimeLimitExceeded(what + " did not finish within its time limit (the recording's deadline): "
                + "the host sends too slowly or not at all");
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private void follow(int status, String location, String what, String stage) {
        URI next;
        try {
            next = uri.resolve(new URI(location));
        } catch (Exception e) {
            throw new UnprocessableInputException(stage, what + " failed: the server redirected to an invalid URL");
        }
        next = httpUrl(next.toString(), what + ": the redirect target", stage);
        if (!origin(next).equals(origin(uri))) {
            headers.keySet().removeIf(h -> CREDENTIAL_HEADERS.contains(h.toLowerCase(Locale.ROOT)));
        }
        if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
            method = "GET";
            body = null;
            headers.remove("Content-Type");
        }
        uri = next;
    }

    /** Exceptions of the JDK's HTTP client may quote the URL; its query can be a signature. */
    private static String withoutQuery(String message) {
        return message.replaceAll("\\?\\S*", "?...");
    }

    static Response readLimited(int status, InputStream in, long expected, long max, String what,
            String stage) throws IOException {
        // One more byte than allowed tells "over the limit" from "exactly at it".
        int cap = (int) (Math.min(max, Integer.MAX_VALUE - 9) + 1);
        // Towards the declared length plus one (so the end is seen without growing again), never past the cap.
        long goal = expected >= 0 ? Math.min(expected + 1, cap) : cap;
        byte[] buffer = new byte[(int) Math.min(goal, FIRST_BUFFER)];
        int length = 0;
        while (true) {
            if (length == buffer.length) {
                if (length >= cap) {
                    break;
                }
                // The first buffer filled, so the bytes are really coming: take the declared length at once (one
                // copy of the first buffer, never the whole recording twice). Without one, or past it (a server
                // that sends more than it said), double up to the cap.
                long next = goal > length && goal < cap ? goal : 2L * buffer.length;
                buffer = Arrays.copyOf(buffer, (int) Math.min(next, cap));
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                break;
            }
            length += n;
        }
        if (length > max) {
            throw new UnprocessableInputException(stage, what + " failed: the response exceeds the allowed "
                    + max + " bytes");
        }
        return new Response(status, buffer, length);
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

    private static String printable(String s) {
        String cut = s.length() > 20 ? s.substring(0, 20) + "..." : s;
        return cut.replaceAll("[^A-Za-z0-9+.-]", "?");
    }
}
