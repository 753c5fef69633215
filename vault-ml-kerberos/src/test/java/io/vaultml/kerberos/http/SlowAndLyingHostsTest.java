package io.vaultml.kerberos.http;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import io.vaultml.api.Media;
import io.vaultml.api.RetriableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Hosts that send too slowly and events or servers that claim sizes they do not send. */
@WireMockTest
class SlowAndLyingHostsTest {
    static final Duration T = Duration.ofSeconds(5);

    /** Answers 200 with a declared length, then sends one byte a second, forever (until the client leaves). */
    static final class TricklingServer implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0);
        final AtomicInteger connections = new AtomicInteger();
        final Thread thread = new Thread(this::serve, "trickle");

        TricklingServer() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    connections.incrementAndGet();
                    java.io.BufferedReader request = new java.io.BufferedReader(new java.io.InputStreamReader(
                            client.getInputStream(), StandardCharsets.US_ASCII));
                    for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
                        // the request's head; a GET has no body
                    }
                    OutputStream out = client.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (int i = 0; i < 100_000; i++) {
                        out.write('x');
                        out.flush();
                        Thread.sleep(1000); // the host's pace, not the test's synchronisation
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up: serve the next one
                }
            }
        }

        String url() {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/api/";
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aHostThatSendsAByteASecondIsCutOffAtTheRecordingsTimeLimit() throws Exception {
        try (TricklingServer host = new TricklingServer()) {
            VaultEndpoint endpoint = new VaultEndpoint(host.url(), "AK", io.vaultml.api.Secret.of("SK"));
            // Read timeouts of 5 s never fire at a byte a second; only the time limit ends this.
            VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint, VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20,
                    VaultHttpTest.fast());
            RetriableException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
                    RetriableException.class, () -> fetcher.fetch(VaultHttpTest.event("cam/slow.mp4", 100_000, ""),
                            Duration.ofSeconds(2))));
            assertTrue(e instanceof HttpCall.TimeLimitExceeded && e.getMessage().contains("time limit"),
                    e.getMessage());
            assertEquals(1, host.connections.get(), "out of time is not retried");
        }
    }

    @Test
    void aDeclaredLengthReservesNothingBeforeItsBytesArrive() throws IOException {
        byte[] sent = "ten bytes!".getBytes(StandardCharsets.US_ASCII);
        // An event (or Content-Length) claiming 1.5 GB, and a body of ten bytes: the buffer stays small.
        HttpCall.Response r = HttpCall.readLimited(200, new ByteArrayInputStream(sent), 1_500_000_000L,
                2_000_000_000L, "download", "fetch");
        assertArrayEquals(sent, r.bytes());
        assertTrue(r.body().length <= HttpCall.FIRST_BUFFER, "reserved " + r.body().length + " bytes");
    }

    @Test
    void aBodyGrowsToExactlyItsDeclaredLength() throws IOException {
        byte[] sent = new byte[3 * HttpCall.FIRST_BUFFER + 17];
        new java.util.Random(7).nextBytes(sent);
        HttpCall.Response r = HttpCall.readLimited(200, new ByteArrayInputStream(sent), sent.length, 1L << 30,
                "download", "fetch");
        assertArrayEquals(sent, r.bytes());
        assertEquals(sent.length + 1, r.body().length, "one byte more than declared, so the end is seen in place");
    }

    @Test
    void chunkedBodiesOfEventsClaimingHugeSizesDownloadAsTheyAre(WireMockRuntimeInfo wm) {
        byte[] mp4 = "a small recording".getBytes(StandardCharsets.UTF_8);
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(mp4).withChunkedDribbleDelay(3, 30)));
        VaultMediaFetcher fetcher = new VaultMediaFetcher(VaultHttpTest.endpoint(wm), VaultMediaFetcher.Mode.BLOB,
                T, T, 1L << 31, VaultHttpTest.fast());
        // The size check after the download still refuses it: the event lied.
        var e = assertThrows(io.vaultml.api.UnprocessableInputException.class,
                () -> fetcher.fetch(VaultHttpTest.event("cam/liar.mp4", 1_500_000_000L, ""), Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("1500000000"), e.getMessage());
        Media media = new VaultMediaFetcher(VaultHttpTest.endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1L << 31,
                VaultHttpTest.fast()).fetch(VaultHttpTest.event("cam/honest.mp4", -1, ""), Duration.ofSeconds(10));
        assertEquals(mp4.length, media.size());
    }

    @Test
    void recordingsThatRunOutOfTimeAreNeitherRetriedNorAnOutage() {
        Resilience resilience = new Resilience("vault", 3, Duration.ofMillis(1), Duration.ofSeconds(30));
        AtomicInteger calls = new AtomicInteger();
        for (int i = 0; i < 10; i++) {
            assertThrows(HttpCall.TimeLimitExceeded.class, () -> resilience.call("http://vault:80", true, () -> {
                calls.incrementAndGet();
                throw new HttpCall.TimeLimitExceeded("download of cam/" + calls.get() + ".mp4 did not finish");
            }));
        }
        assertEquals(10, calls.get(), "one call each: out of time is not retried");
        assertEquals(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED,
                resilience.state("http://vault:80"), "ten slow recordings are not an outage of the Vault");
    }

    @Test
    void anAbsurdDeclaredSizeIsRefusedByNameNotByAnArithmeticOverflow(WireMockRuntimeInfo wm) {
        VaultMediaFetcher fetcher = new VaultMediaFetcher(VaultHttpTest.endpoint(wm), VaultMediaFetcher.Mode.BLOB,
                T, T, 1L << 30, VaultHttpTest.fast());
        // A derived deadline of ~10^10 s (2 s per declared MiB) must not overflow anything on the way.
        var e = assertThrows(io.vaultml.api.UnprocessableInputException.class, () -> fetcher.fetch(
                VaultHttpTest.event("cam/huge.mp4", 5_000_000_000_000_000L, ""), Duration.ofSeconds(10_000_000_000L)));
        assertTrue(e.getMessage().contains("VAULT_MAX_RECORDING_BYTES"), e.getMessage());
    }
}
