package io.vaultml.worker.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    @Test
    void probesAnswerWhileAScrapeWaitsForASlowGauge() throws Exception {
        CountDownLatch gaugeAnswers = new CountDownLatch(1);
        java.util.function.Supplier<List<String>> noProblems = List::of;
        try (OpsServer ops = new OpsServer(0, () -> {
            try {
                gaugeAnswers.await(30, TimeUnit.SECONDS); // a queue-depth gauge waiting for its broker
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "vaultml_up 1\n";
        }, noProblems, () -> true)) {
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> scrape = http.sendAsync(request(ops, "/metrics"),
                    HttpResponse.BodyHandlers.ofString());
            // Within a probe's timeout, although the scrape before it is still waiting.
            HttpResponse<String> health = http.send(request(ops, "/healthz"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals(200, http.send(request(ops, "/readyz"), HttpResponse.BodyHandlers.ofString()).statusCode());
            gaugeAnswers.countDown();
            assertEquals("vaultml_up 1\n", scrape.get(10, TimeUnit.SECONDS).body());
        }
    }

    private static HttpRequest request(OpsServer ops, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
                .timeout(Duration.ofSeconds(1)).build();
    }
}
