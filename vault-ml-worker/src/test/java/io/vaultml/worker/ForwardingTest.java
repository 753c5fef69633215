package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.verify;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.vaultml.api.ConfigException;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Results forwarded to Hub and a webhook after publishing; commits wait for them. */
@WireMockTest
class ForwardingTest {

    @Test
    void resultsAtTheThresholdGoToHubAndTheWebhookAndFailuresDelayTheCommit(@TempDir Path dir,
            WireMockRuntimeInfo wm) throws Exception {
        LocalModeTest.stage(dir);
        // Hub fails once: the recording is retried (not committed) and then forwarded.
        stubFor(post("/hub/queue").inScenario("hub").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
        stubFor(post("/hub/queue").inScenario("hub").whenScenarioStateIs("up").willReturn(ok()));
        stubFor(post("/hook").willReturn(ok()));
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of()));
        env.putAll(Map.of("FORWARDING_METADATA", "True", "HUB_API_URL", wm.getHttpBaseUrl() + "/hub",
                "HUB_KEY", "hub-key-1", "WEBHOOK_URL", wm.getHttpBaseUrl() + "/hook", "FORWARDING_OBJECT_THRESHOLD", "1",
                "VAULT_RETRIES", "1", "RETRY_BACKOFF", "100ms", "CLASSIFICATION_FPS", "1", "RESULT_FORMAT", "hub",
                "CONCURRENCY", "1")); // one at a time, so exactly one recording meets the 502
        assertEquals(0, LocalModeTest.run(env));

        // WireMock journals a request after answering it: let the last ones land before counting.
        settle(wm, 3 + 2);
        // Three posts: the one Hub refused with 502, then one per recording with objects.
        verify(3, postRequestedFor(urlEqualTo("/hub/queue")).withHeader("X-Kerberos-Cloud-Key", equalTo("hub-key-1"))
                .withRequestBody(matchingJsonPath("$.message.operation", equalTo("classify"))));
        int pedestrians = wm.getWireMock().find(postRequestedFor(urlEqualTo("/hub/queue")).withRequestBody(
                matchingJsonPath("$.message.payload.key", equalTo("camera1/" + LocalModeTest.PEDESTRIANS)))).size();
        int highway = wm.getWireMock().find(postRequestedFor(urlEqualTo("/hub/queue")).withRequestBody(
                matchingJsonPath("$.message.payload.key", equalTo("camera1/" + LocalModeTest.HIGHWAY)))).size();
        assertEquals(3, pedestrians + highway);
        // The webhook runs after Hub in the chain, so only after Hub accepted: once per recording.
        verify(2, postRequestedFor(urlEqualTo("/hook")));
        // The retry resumed at the forwarder that failed: the result line was written once, and committed once.
        List<String> committed = Files.readAllLines(dir.resolve("state/processed.txt"));
        assertEquals(4, committed.size());
        assertEquals(2, LocalModeTest.lines(dir.resolve("results.jsonl")).size());
    }

    /** WireMock journals a request just after answering it: wait until the journal holds what the worker sent. */
    static void settle(WireMockRuntimeInfo wm, int expected) throws InterruptedException {
        Await.until(() -> wm.getWireMock().getServeEvents().size() >= expected, Duration.ofSeconds(5),
                () -> wm.getWireMock().getServeEvents().size() + " requests journaled, " + expected + " expected");
    }

    @Test
    void forwardingWithoutItsSettingsIsAStartupErrorListingEverything(@TempDir Path dir) throws Exception {
        LocalModeTest.stage(dir);
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of()));
        env.putAll(Map.of("FORWARDING_MEDIA", "true", "FORWARDING_METADATA", "TRUE"));
        ConfigException e = assertThrows(ConfigException.class, () -> WorkerApp.create(ConfigSource.of(env)));
        assertEquals(List.of("VAULT_API_URL is required for FORWARDING_MEDIA", "VAULT_ACCESS_KEY is required for "
                + "FORWARDING_MEDIA", "VAULT_SECRET_KEY is required for FORWARDING_MEDIA",
                "HUB_API_URL is required for FORWARDING_METADATA"), e.problems());
    }
}
