package io.vaultml.kerberos.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.serviceUnavailable;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import io.vaultml.api.Secret;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.VaultMlException;
import io.vaultml.api.VideoInfo;
import io.vaultml.kerberos.KerberosEvents;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@WireMockTest
class VaultHttpTest {
    static final String ACCESS = "AK-configured-77";
    static final String SECRET = "SK-configured-secret-99";
    static final String PUBKEY = "PUBKEY-ABC!@#123";
    static final byte[] MP4 = "not really an mp4, but bytes are bytes".getBytes(StandardCharsets.UTF_8);
    static final Duration T = Duration.ofSeconds(5);

    final List<String> messages = new ArrayList<>();
    ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void noSecretAppearsInLogsOrMessages() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        List<String> texts = new ArrayList<>(messages);
        logs.list.forEach(e -> texts.add(e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())));
        for (String text : texts) {
            for (String secret : List.of(ACCESS, SECRET, PUBKEY, "SK-override-1", "hook-token", "hmac-key")) {
                assertFalse(text.contains(secret), "secret in: " + text);
            }
        }
    }

    <T extends VaultMlException> T expect(Class<T> type, Runnable call) {
        T e = assertThrows(type, call::run);
        messages.add(e.getMessage());
        return e;
    }

    static VaultEndpoint endpoint(WireMockRuntimeInfo wm) {
        return new VaultEndpoint(wm.getHttpBaseUrl() + "/api/", ACCESS, Secret.of(SECRET));
    }

    static Resilience fast() {
        return new Resilience("vault", 3, Duration.ofMillis(10), Duration.ofSeconds(30));
    }

    static RecordingEvent event(String key, long size, String extra) {
        String json = "{\"source\":\"storj\",\"provider\":\"kstorage\"," + extra + "\"payload\":{\"key\":\"" + key
                + "\"" + (size >= 0 ? ",\"fileSize\":" + size : "") + ",\"metadata\":{\"publickey\":\"" + PUBKEY
                + "\"}}}";
        return KerberosEvents.parse(json.getBytes(StandardCharsets.UTF_8)).get(0);
    }

    static ResultMessage result(RecordingEvent event, int people) {
        List<Detection> found = new ArrayList<>();
        for (int i = 0; i < people; i++) {
            found.add(new Detection("person", 0, 0.9f, new BoundingBox(i * 10, 0, i * 10 + 5, 5)));
        }
        AnalysisResult r = new AnalysisResult(event, new VideoInfo(640, 360, 10, 100, 10_000_000, "h264"),
                List.of(new FrameDetections(0, 0, found)), List.of(), false, new DetectorInfo("fake", "fake", "cpu"),
                Duration.ofMillis(3));
        return new ResultMessage(event.key(), ("{\"operation\":\"classification\",\"n\":" + people + "}")
                .getBytes(StandardCharsets.UTF_8), Map.of(), r);
    }

    @Test
    void downloadsTheBlobWithTheFourHeaders(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(MP4)));
        String key = "youruser/1630567591_6-967003_highway 4_200-200-400-400_24_769.mp4";
        var media = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast())
                .fetch(event(key, MP4.length, ""));
        byte[] got = new byte[media.size()];
        media.view().get(got);
        assertArrayEquals(MP4, got);
        verify(1, getRequestedFor(urlEqualTo("/api/storage/blob"))
                .withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                .withHeader("X-Kerberos-Storage-Provider", equalTo("storj"))
                .withHeader("X-Kerberos-Storage-AccessKey", equalTo(ACCESS))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo(SECRET)));
    }

    @Test
    void unicodeKeysReachVaultAsUtf8(WireMockRuntimeInfo wm) throws Exception {
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(MP4)));
        String key = "café-user/カメラ 1/1700000000_3-125_entrée_0-0-0-0_1_0.mp4";
        new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast())
                .fetch(event(key, -1, ""));
        // Jetty decodes header bytes as ISO-8859-1: re-encoding gives back the bytes that were on the wire.
        String onTheWire = wm.getWireMock().getServeEvents().get(0).getRequest()
                .getHeader("X-Kerberos-Storage-FileName");
        assertEquals(key, new String(onTheWire.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    @Test
    void perMessageOverridesApplyToThatMessageOnly(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(MP4)));
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast());
        fetcher.fetch(event("a.mp4", -1, "\"data\":{\"storage_access_key\":\"AK-override-1\","
                + "\"storage_secret\":\"SK-override-1\"},"));
        fetcher.fetch(event("b.mp4", -1, ""));
        verify(1, getRequestedFor(urlEqualTo("/api/storage/blob")).withHeader("X-Kerberos-Storage-FileName", equalTo("a.mp4"))
                .withHeader("X-Kerberos-Storage-AccessKey", equalTo("AK-override-1"))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo("SK-override-1")));
        verify(1, getRequestedFor(urlEqualTo("/api/storage/blob")).withHeader("X-Kerberos-Storage-FileName", equalTo("b.mp4"))
                .withHeader("X-Kerberos-Storage-AccessKey", equalTo(ACCESS))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo(SECRET)));
    }

    @Test
    void aUriOverrideToAnotherHostMustBringItsOwnKeys(WireMockRuntimeInfo wm) {
        stubFor(get("/other/storage/blob").willReturn(ok().withBody(MP4)));
        // The configured Vault is 127.0.0.1:1; the override names localhost:<port>, another host.
        VaultMediaFetcher fetcher = new VaultMediaFetcher(new VaultEndpoint("http://127.0.0.1:1/unreachable", ACCESS,
                Secret.of(SECRET)), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast());
        String foreign = "http://localhost:" + wm.getHttpPort() + "/other";
        UnprocessableInputException e = expect(UnprocessableInputException.class, () -> fetcher.fetch(
                event("c.mp4", -1, "\"data\":{\"storage_uri\":\"" + foreign + "\"},")));
        assertEquals("fetch", e.stage());
        assertTrue(e.getMessage().startsWith("Recording c.mp4: data.storage_uri names host localhost, which is neither "
                + "the configured Vault (VAULT_API_URL) nor in VAULT_ALLOWED_HOSTS"), e.getMessage());
        assertEquals(0, wm.getWireMock().getServeEvents().size(), "nothing was sent to the foreign host");

        fetcher.fetch(event("d.mp4", -1, "\"data\":{\"storage_uri\":\"" + foreign + "\",\"storage_access_key\":"
                + "\"AK-override-1\",\"storage_secret\":\"SK-override-1\"},"));
        verify(1, getRequestedFor(urlEqualTo("/other/storage/blob"))
                .withHeader("X-Kerberos-Storage-AccessKey", equalTo("AK-override-1"))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo("SK-override-1")));
        for (var served : wm.getWireMock().getServeEvents()) {
            assertFalse(served.getRequest().getHeaders().all().toString().contains(SECRET), "configured key sent");
        }
    }

    @Test
    void aBareAllowedHostIsTrustedOnlyOnTheConfiguredSchemeAndPort(WireMockRuntimeInfo wm) {
        stubFor(get("/other/storage/blob").willReturn(ok().withBody(MP4)));
        // Configured: port 1. Allowed: localhost, bare. The event names localhost on another port over http.
        VaultMediaFetcher fetcher = new VaultMediaFetcher(new VaultEndpoint("http://127.0.0.1:1/unreachable", ACCESS,
                Secret.of(SECRET)).trusting(java.util.Set.of("LocalHost")), VaultMediaFetcher.Mode.BLOB, T, T,
                1 << 20, fast());
        UnprocessableInputException e = expect(UnprocessableInputException.class, () -> fetcher.fetch(event("c.mp4",
                -1, "\"data\":{\"storage_uri\":\"http://localhost:" + wm.getHttpPort() + "/other\"},")));
        assertTrue(e.getMessage().contains("nor in VAULT_ALLOWED_HOSTS"), e.getMessage());
        assertEquals(0, wm.getWireMock().getServeEvents().size(), "nothing was sent to the other port");
    }

    @Test
    void anAllowedOriginReceivesTheConfiguredKeys(WireMockRuntimeInfo wm) {
        stubFor(get("/other/storage/blob").willReturn(ok().withBody(MP4)));
        VaultMediaFetcher fetcher = new VaultMediaFetcher(new VaultEndpoint("http://127.0.0.1:1/unreachable", ACCESS,
                Secret.of(SECRET)).trusting(java.util.Set.of("HTTP://LocalHost:" + wm.getHttpPort() + "/")),
                VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast());
        fetcher.fetch(event("c.mp4", -1, "\"data\":{\"storage_uri\":\"http://localhost:" + wm.getHttpPort()
                + "/other\"},"));
        verify(1, getRequestedFor(urlEqualTo("/other/storage/blob"))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo(SECRET)));
    }

    @Test
    void hostileStorageUrisAreRejectedNamingTheField(WireMockRuntimeInfo wm) {
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20,
                fast());
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("vault-lb/api", "is not an absolute URL: it needs http:// or https://");
        expected.put("file:///etc/passwd", "has the scheme file: only http and https are allowed");
        expected.put("ftp://vault/api", "has the scheme ftp: only http and https are allowed");
        expected.put("http://vault lb/api", "is not a valid URL (a space or a character that must be escaped)");
        expected.put("http:///api", "has no host");
        expected.forEach((uri, problem) -> {
            UnprocessableInputException e = expect(UnprocessableInputException.class, () -> fetcher.fetch(
                    event("h.mp4", -1, "\"data\":{\"storage_uri\":\"" + uri + "\"},")));
            assertEquals("Recording h.mp4: data.storage_uri " + problem, e.getMessage());
        });
        assertEquals(0, wm.getWireMock().getServeEvents().size());
    }

    @Test
    void aRedirectToAnotherOriginLosesTheCredentials(WireMockRuntimeInfo wm) {
        String elsewhere = "http://localhost:" + wm.getHttpPort() + "/elsewhere/x.mp4";
        stubFor(get("/api/storage/blob").willReturn(aResponse().withStatus(302).withHeader("Location", elsewhere)));
        stubFor(get("/elsewhere/x.mp4").willReturn(ok().withBody(MP4)));
        var media = new VaultMediaFetcher(new VaultEndpoint("http://127.0.0.1:" + wm.getHttpPort() + "/api", ACCESS,
                Secret.of(SECRET)), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast()).fetch(event("x.mp4", -1, ""));
        assertEquals(MP4.length, media.size());
        verify(1, getRequestedFor(urlEqualTo("/elsewhere/x.mp4"))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", absent())
                .withHeader("X-Kerberos-Storage-AccessKey", absent()));
    }

    @Test
    void aSignedUrlThatIsNotHttpIsRefusedWithoutQuotingIt(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage").willReturn(okJson("{\"data\":\"file:///bucket/x.mp4?X-Amz-Signature=s3cr3tsig\"}")));
        UnprocessableInputException e = expect(UnprocessableInputException.class, () -> new VaultMediaFetcher(
                endpoint(wm), VaultMediaFetcher.Mode.SIGNED_URL, T, T, 1 << 20, fast()).fetch(event("x.mp4", -1, "")));
        assertEquals("The signed URL Vault returned for x.mp4 has the scheme file: only http and https are allowed",
                e.getMessage());
        stubFor(get("/api/storage").willReturn(okJson("{\"data\":\"http://b/x y.mp4?X-Amz-Signature=s3cr3tsig\"}")));
        e = expect(UnprocessableInputException.class, () -> new VaultMediaFetcher(
                endpoint(wm), VaultMediaFetcher.Mode.SIGNED_URL, T, T, 1 << 20, fast()).fetch(event("x.mp4", -1, "")));
        assertFalse(e.getMessage().contains("s3cr3tsig"), e.getMessage());
    }

    @Test
    void aDeclaredSizeOverTheLimitIsRefusedBeforeDownloading(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(MP4)));
        UnprocessableInputException e = expect(UnprocessableInputException.class, () -> new VaultMediaFetcher(
                endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 10, fast()).fetch(event("big.mp4", 5_000_000_000L, "")));
        assertEquals("Recording big.mp4 is 5000000000 bytes (payload.fileSize), more than the allowed 10 "
                + "(VAULT_MAX_RECORDING_BYTES)", e.getMessage());
        assertEquals(0, wm.getWireMock().getServeEvents().size());
    }

    @Test
    void aForeignHostsFailuresDoNotOpenTheConfiguredVaultsBreaker(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(MP4)));
        Resilience resilience = fast();
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20,
                resilience);
        for (int i = 0; i < 4; i++) {
            expect(RetriableException.class, () -> fetcher.fetch(event("f.mp4", -1, "\"data\":{\"storage_uri\":"
                    + "\"http://127.0.0.1:1/api\",\"storage_access_key\":\"a\",\"storage_secret\":\"b\"},")));
        }
        assertEquals(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN,
                resilience.state("http://127.0.0.1:1"));
        RetriableException open = expect(RetriableException.class, () -> fetcher.fetch(event("f.mp4", -1,
                "\"data\":{\"storage_uri\":\"http://127.0.0.1:1/api\",\"storage_access_key\":\"a\","
                + "\"storage_secret\":\"b\"},")));
        assertFalse(open instanceof io.vaultml.api.OutageException, "another host's breaker is no outage");
        assertEquals(MP4.length, fetcher.fetch(event("good.mp4", -1, "")).size(), "the configured Vault still works");
    }

    @Test
    void aRedeliveryOfARemovedRecordingIsRecognised(WireMockRuntimeInfo wm) {
        stubFor(delete("/api/storage").willReturn(ok()));
        stubFor(get("/api/storage/blob").willReturn(aResponse().withStatus(404).withBody("not found")));
        RemovedRecordings removed = new RemovedRecordings(10);
        new VaultRemover(endpoint(wm), T, fast(), removed).forward(result(event("done.mp4", -1, ""), 1));
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20,
                fast(), removed);
        expect(io.vaultml.api.AlreadyHandledException.class, () -> fetcher.fetch(event("done.mp4", -1, "")));
        UnprocessableInputException other = expect(UnprocessableInputException.class,
                () -> fetcher.fetch(event("never.mp4", -1, "")));
        assertEquals("Vault download of never.mp4 failed: HTTP 404 not found", other.getMessage());
    }

    @Test
    void signedUrlModeGetsTheUrlThenTheBytes(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage").willReturn(okJson("{\"data\":\"" + wm.getHttpBaseUrl()
                + "/bucket/x.mp4?X-Amz-Signature=abc\"}")));
        stubFor(get("/bucket/x.mp4?X-Amz-Signature=abc").willReturn(ok().withBody(MP4)));
        var media = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.SIGNED_URL, T, T, 1 << 20, fast())
                .fetch(event("x.mp4", MP4.length, ""));
        assertEquals(MP4.length, media.size());
        verify(getRequestedFor(urlEqualTo("/api/storage")).withHeader("X-Kerberos-Storage-Provider", equalTo("storj")));
        verify(getRequestedFor(urlEqualTo("/bucket/x.mp4?X-Amz-Signature=abc"))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", absent()));
    }

    @Test
    void aSignedUrlAnswerWithoutAUrlIsAnErrorNotSuccess(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage").willReturn(okJson("{\"message\":\"ok\"}")));
        UnprocessableInputException e = expect(UnprocessableInputException.class, () -> new VaultMediaFetcher(
                endpoint(wm), VaultMediaFetcher.Mode.SIGNED_URL, T, T, 1 << 20, fast()).fetch(event("x.mp4", -1, "")));
        assertEquals("Vault signed URL for x.mp4: Vault answered 200 without a URL in data", e.getMessage());
    }

    @Test
    void transientFailuresAreRetried(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(serviceUnavailable().withBody("vault restarting")).willSetStateTo("up"));
        stubFor(get("/api/storage/blob").inScenario("flaky").whenScenarioStateIs("up").willReturn(ok().withBody(MP4)));
        new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast()).fetch(event("r.mp4", -1, ""));
        verify(2, getRequestedFor(urlEqualTo("/api/storage/blob")));
    }

    @Test
    void clientErrorsArePermanentWithStatusAndExcerptAndNotRetried(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(aResponse().withStatus(404).withBody("{\"message\":\"file not found\"}")));
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast());
        UnprocessableInputException e = expect(UnprocessableInputException.class, () -> fetcher.fetch(event("gone.mp4", -1, "")));
        assertEquals("Vault download of gone.mp4 failed: HTTP 404 {\"message\":\"file not found\"}", e.getMessage());
        assertEquals("fetch", e.stage());
        stubFor(get("/api/storage/blob").willReturn(aResponse().withStatus(401).withBody("unauthorized")));
        UnprocessableInputException u = expect(UnprocessableInputException.class, () -> fetcher.fetch(event("k.mp4", -1, "")));
        assertEquals("Vault download of k.mp4 failed: HTTP 401 unauthorized", u.getMessage());
        verify(2, getRequestedFor(urlEqualTo("/api/storage/blob")));
    }

    @Test
    void sizeIsCheckedAgainstTheEventAndTheLimit(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(ok().withBody(MP4)));
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, fast());
        UnprocessableInputException mismatch = expect(UnprocessableInputException.class,
                () -> fetcher.fetch(event("s.mp4", 999, "")));
        assertEquals("Recording s.mp4 from Vault is " + MP4.length + " bytes but the event says payload.fileSize 999",
                mismatch.getMessage());
        UnprocessableInputException big = expect(UnprocessableInputException.class, () -> new VaultMediaFetcher(
                endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 10, fast()).fetch(event("big.mp4", -1, "")));
        // WireMock answers chunked (no Content-Length), so the limit is enforced while streaming.
        assertEquals("Vault download of big.mp4 failed: the response exceeds the allowed 10 bytes", big.getMessage());
    }

    @Test
    void anOutageOpensTheCircuitBreakerAndCallsStop(WireMockRuntimeInfo wm) {
        stubFor(get("/api/storage/blob").willReturn(serviceUnavailable()));
        Resilience resilience = fast();
        VaultMediaFetcher fetcher = new VaultMediaFetcher(endpoint(wm), VaultMediaFetcher.Mode.BLOB, T, T, 1 << 20, resilience);
        for (int i = 0; i < 2; i++) {
            int n = i;
            expect(RetriableException.class, () -> fetcher.fetch(event("o" + n + ".mp4", -1, "")));
        }
        int calls = wm.getWireMock().getServeEvents().size();
        io.vaultml.api.OutageException open = expect(io.vaultml.api.OutageException.class,
                () -> fetcher.fetch(event("o9.mp4", -1, "")));
        assertEquals("The vault at http://localhost:" + wm.getHttpPort() + " failed repeatedly (circuit breaker OPEN); "
                + "calls pause for up to 30 s", open.getMessage());
        assertEquals(Duration.ofSeconds(30), open.retryAfter());
        assertEquals(calls, wm.getWireMock().getServeEvents().size(), "an open breaker sends nothing");
        assertEquals(io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN,
                resilience.state("http://localhost:" + wm.getHttpPort()));
    }

    @Test
    void connectionFailuresAreRetriable() {
        RetriableException e = expect(RetriableException.class, () -> new VaultMediaFetcher(
                new VaultEndpoint("http://127.0.0.1:1/api", ACCESS, Secret.of(SECRET)), VaultMediaFetcher.Mode.BLOB,
                Duration.ofMillis(500), T, 1 << 20, fast()).fetch(event("c.mp4", -1, "")));
        assertTrue(e.getMessage().startsWith("Vault download of c.mp4 failed: ConnectException"), e.getMessage());
    }

    @Test
    void mediaIsForwardedOnlyAtTheThreshold(WireMockRuntimeInfo wm) {
        stubFor(post("/api/storage/forward/media").willReturn(ok()));
        VaultMediaForwarder forwarder = new VaultMediaForwarder(endpoint(wm), 2, T, fast());
        forwarder.forward(result(event("one.mp4", -1, ""), 1));
        verify(0, postRequestedFor(urlEqualTo("/api/storage/forward/media")));
        forwarder.forward(result(event("two.mp4", -1, ""), 2));
        verify(1, postRequestedFor(urlEqualTo("/api/storage/forward/media"))
                .withHeader("X-Kerberos-Storage-FileName", equalTo("two.mp4"))
                .withHeader("X-Kerberos-Storage-AccessKey", equalTo(ACCESS))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo(SECRET))
                .withHeader("X-Kerberos-Storage-Provider", absent()));
    }

    @Test
    void metadataGoesToHubWithTheEventKeyOrTheConfiguredOne(WireMockRuntimeInfo wm) {
        stubFor(post("/hub/queue").willReturn(ok()));
        new HubMetadataForwarder(wm.getHttpBaseUrl() + "/hub", null, 1, T, fast()).forward(result(event("m.mp4", -1, ""), 3));
        verify(1, postRequestedFor(urlEqualTo("/hub/queue")).withHeader("X-Kerberos-Cloud-Key", equalTo(PUBKEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"message\":{\"operation\":\"classification\",\"n\":3}}")));
        new HubMetadataForwarder(wm.getHttpBaseUrl() + "/hub", Secret.of("HUB-KEY-1"), 1, T, fast())
                .forward(result(event("m2.mp4", -1, ""), 1));
        verify(1, postRequestedFor(urlEqualTo("/hub/queue")).withHeader("X-Kerberos-Cloud-Key", equalTo("HUB-KEY-1")));
        new HubMetadataForwarder(wm.getHttpBaseUrl() + "/hub", null, 5, T, fast()).forward(result(event("m3.mp4", -1, ""), 4));
        verify(2, postRequestedFor(urlEqualTo("/hub/queue")));
    }

    @Test
    void webhooksAreAuthenticatedAndSigned(WireMockRuntimeInfo wm) throws Exception {
        stubFor(post("/hook").willReturn(ok()));
        ResultMessage message = result(event("w.mp4", -1, ""), 1);
        new WebhookForwarder(URI.create(wm.getHttpBaseUrl() + "/hook"), Secret.of("hook-token"), Secret.of("hmac-key"),
                1, T, fast()).forward(message);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("hmac-key".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(message.body()));
        verify(1, postRequestedFor(urlEqualTo("/hook")).withHeader("Authorization", equalTo("Bearer hook-token"))
                .withHeader("X-VaultML-Signature", equalTo(signature)).withHeader("X-VaultML-Key", equalTo("w.mp4"))
                .withRequestBody(equalToJson(message.bodyText())));
    }

    @Test
    void deleteSendsTheFourHeadersAndToleratesAlreadyGone(WireMockRuntimeInfo wm) {
        stubFor(delete("/api/storage").willReturn(ok()));
        VaultRemover remover = new VaultRemover(endpoint(wm), T, fast());
        remover.forward(result(event("d.mp4", -1, ""), 0));
        verify(1, deleteRequestedFor(urlEqualTo("/api/storage")).withHeader("X-Kerberos-Storage-FileName", equalTo("d.mp4"))
                .withHeader("X-Kerberos-Storage-Provider", equalTo("storj"))
                .withHeader("X-Kerberos-Storage-AccessKey", equalTo(ACCESS))
                .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo(SECRET)));
        stubFor(delete("/api/storage").willReturn(aResponse().withStatus(404)));
        remover.forward(result(event("d.mp4", -1, ""), 0));
        stubFor(delete("/api/storage").willReturn(aResponse().withStatus(403).withBody("forbidden")));
        UnprocessableInputException e = expect(UnprocessableInputException.class,
                () -> remover.forward(result(event("d.mp4", -1, ""), 0)));
        assertEquals("Vault delete of d.mp4 failed: HTTP 403 forbidden", e.getMessage());
    }

    @Test
    void endpointsNeverPrintCredentials() {
        String text = new VaultEndpoint("http://v/api", ACCESS, Secret.of(SECRET)).toString();
        messages.add(text);
        assertEquals("VaultEndpoint[http://v/api, accessKey=[hidden], secretKey=[hidden]]", text);
    }
}
