package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged worker as a process against a real Kafka broker and WireMock as Kerberos Vault, fed what an
 * attacker, a broken tenant or a flaky Vault would send: every hostile event ends as exactly one dead letter while
 * the worker keeps running, good events get exactly one result, credentials go nowhere but the configured Vault,
 * retries are bounded and an outage costs no event its retries. Each scenario prints what it measured.
 */
class HostileInputIT extends KafkaScenario {
    static final String SECRETS = "vault-secret|vault-access|s3cr3t-unquoted|PUB-1";

    @Test
    void hostileEventsAreDeadLettersTheWorkerGoesOnAndNoKeyLeavesForAnotherHost() throws Exception {
        topics(1); // one partition: the hostile events are the good ones' neighbours
        vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/always-503.mp4"))
                .willReturn(aResponse().withStatus(503).withBody("vault overloaded")));
        Map<String, String> hostile = new java.util.LinkedHashMap<>();
        hostile.put("no scheme", "{\"data\":{\"storage_uri\":\"vault-lb/api\"},\"payload\":{\"key\":\"cam-user/h1.mp4\"}}");
        hostile.put("file", "{\"data\":{\"storage_uri\":\"file:///etc/passwd\"},\"payload\":{\"key\":\"cam-user/h2.mp4\"}}");
        hostile.put("space", "{\"data\":{\"storage_uri\":\"http://vault lb/api\"},\"payload\":{\"key\":\"cam-user/h3.mp4\"}}");
        hostile.put("foreign host without keys", "{\"data\":{\"storage_uri\":\"" + foreign.baseUrl()
                .replace("localhost", "127.0.0.1") + "/api\"},\"payload\":{\"key\":\"cam-user/h4.mp4\"}}");
        hostile.put("unquoted secret", "{\"data\":{\"storage_secret\": s3cr3t-unquoted},\"payload\":{\"key\":\"k\"}}");
        hostile.put("20,000-deep nesting", "[".repeat(20_000) + "]".repeat(20_000));
        hostile.put("no key", "{\"payload\":{\"metadata\":{\"publickey\":\"PUB-1\"}}}");
        hostile.put("data as an array", "{\"data\":[1,2],\"payload\":{\"key\":\"cam-user/h8.mp4\"}}");
        send(good(GOOD[0]));
        for (String body : hostile.values()) {
            send(body);
        }
        send(good(GOOD[1]));
        send(good("always-503.mp4"));
        send(good(GOOD[2]));

        long started = System.nanoTime();
        Process worker = worker(env(Map.of("RETRY_MAX_ATTEMPTS", "3", "RETRY_BACKOFF", "300ms", "VAULT_RETRIES", "1",
                "VAULT_CIRCUIT_OPEN", "2s")), "hostile");
        try (Outcomes out = new Outcomes(kafka)) {
            out.readUntil(() -> out.dead.size() >= hostile.size() + 1 && out.published.size() >= GOOD.length
                    || !worker.isAlive(), Duration.ofSeconds(150));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(worker.isAlive(), this::logs);
            Map<String, String> reasons = out.reasons();
            System.out.printf("[hostile] %d events: %d results %s, %d dead letters in %.1f s%n", hostile.size() + 4,
                    out.published.size(), out.publishedCounts(), out.dead.size(), seconds);
            reasons.forEach((body, reason) -> System.out.printf("[hostile]   %s -> %s%n",
                    body.length() > 70 ? body.substring(0, 70) + "... (" + body.length() + " bytes)" : body, reason));
            assertEquals(once(GOOD), out.publishedCounts(), "good events: exactly one result each");
            assertEquals(hostile.size() + 1, out.dead.size(), reasons.toString());
            assertTrue(reasons.get(good("always-503.mp4")).matches("Retries exhausted after 3 attempts over \\d+ s; "
                    + "last cause: Vault download of cam-user/always-503.mp4 failed: HTTP 503 vault overloaded"),
                    reasons.toString());
            assertEquals(3, vault.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                    com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/api/storage/blob")).withHeader(
                    "X-Kerberos-Storage-FileName", equalTo("cam-user/always-503.mp4"))).size(), "three tries, no more");
            assertTrue(reasons.get(hostile.get("no scheme")).endsWith("data.storage_uri is not an absolute URL: it needs "
                    + "http:// or https://"), reasons.toString());
            assertTrue(reasons.get(hostile.get("foreign host without keys")).contains("the configured keys are never sent "
                    + "to another host"), reasons.toString());
            assertTrue(reasons.containsValue("Event for recording cam-user/h8.mp4: data must be an object, got an array"));
            assertEquals(0, foreign.getAllServeEvents().size(), "nothing reached the foreign host");
        }
        worker.destroy();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, worker.exitValue(), this::logs);
        String logs = logs();
        for (String secret : SECRETS.split("\\|")) {
            assertFalse(logs.contains(secret), "a secret reached the logs: " + secret);
        }
    }

    @Test
    void aFortySecondVaultOutageEndsWithEveryRecordingPublishedOnceAndNoDeadLetter() throws Exception {
        topics(2);
        String[] all = RECORDINGS;
        for (String f : all) {
            vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/" + f))
                    .willReturn(ok().withBody(Files.readAllBytes(TestData.require("videos/kerberos/" + f)))));
            send(good(f));
        }
        Process worker = worker(env(Map.of("CONCURRENCY", "1")), "outage");
        try (Outcomes out = new Outcomes(kafka)) {
            out.readUntil(() -> !out.published.isEmpty(), Duration.ofSeconds(90));
            // Vault goes down for 40 s: every call answers 503.
            StubMapping down = vault.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(503)));
            long outage = System.nanoTime();
            int before = vault.getAllServeEvents().size();
            Thread.sleep(40_000);
            int during = vault.getAllServeEvents().size() - before;
            vault.removeStub(down);
            out.readUntil(() -> out.publishedCounts().size() == all.length, Duration.ofSeconds(120));
            double recovery = (System.nanoTime() - outage) / 1e9 - 40;
            System.out.printf("[outage] %d recordings, 40 s of 503s: %d Vault calls during the outage, all published "
                    + "%.1f s after it ended; results %s; dead letters %d%n", all.length, during, recovery,
                    out.publishedCounts(), out.dead.size());
            assertTrue(worker.isAlive(), this::logs);
            assertEquals(once(all), out.publishedCounts(), "every recording published exactly once");
            assertEquals(List.of(), out.reasons().entrySet().stream().toList(), "no dead letter");
            assertTrue(during < 40, "the breaker kept the worker from hammering Vault: " + during + " calls");
        }
        worker.destroy();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, worker.exitValue(), this::logs);
    }

    @Test
    void aBrokerRestartMidRunLosesNothing() throws Exception {
        topics(2);
        String[] all = java.util.Arrays.copyOf(RECORDINGS, 5);
        for (String f : all) {
            vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/" + f))
                    .willReturn(ok().withBody(Files.readAllBytes(TestData.require("videos/kerberos/" + f)))
                            .withFixedDelay(1500))); // slow enough that recordings are in flight at the restart
            send(good(f));
        }
        producer.close();
        producer = null;
        Process worker = worker(env(Map.of("CONCURRENCY", "2")), "restart");
        Map<String, Integer> counts;
        int deadLetters;
        try (Outcomes out = new Outcomes(kafka)) {
            out.readUntil(() -> !out.published.isEmpty(), Duration.ofSeconds(90));
            long down = System.nanoTime();
            kafka.stop();
            Thread.sleep(10_000);
            kafka.start();
            out.readUntil(() -> out.publishedCounts().size() == all.length, Duration.ofSeconds(150));
            counts = out.publishedCounts();
            deadLetters = out.dead.size();
            System.out.printf("[restart] broker down 10 s: %d of %d recordings published %.1f s after the stop, "
                    + "%d results in all (at least once), %d dead letters%n", counts.size(), all.length,
                    (System.nanoTime() - down) / 1e9, out.published.size(), deadLetters);
        }
        assertTrue(worker.isAlive(), this::logs);
        assertEquals(once(all).keySet(), counts.keySet(), "every recording has a result");
        assertEquals(0, deadLetters);
        worker.destroy();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, worker.exitValue(), this::logs);
    }
}
