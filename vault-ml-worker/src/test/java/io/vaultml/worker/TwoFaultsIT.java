package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two things wrong at once, with the packaged worker on Kafka and WireMock as Vault, at {@code CONCURRENCY=4} under
 * a small heap: an array message whose second recording trickles past its deadline, hosts that trickle, media that
 * switches to 8K in band, and events that claim sizes they do not have, among good recordings. Every good event is
 * published once (the array's first included), every hopeless one dead-lettered once with its reason, the worker
 * stays up and exits 0, and its peak resident memory stays under the bound the operations guide states.
 */
class TwoFaultsIT extends KafkaScenario {
    /** The peak resident set this run may reach: the 256 MiB heap plus native memory (see docs/operations.md). */
    static final long RSS_BOUND_MB = 640;

    @Test
    void hostileMediaSlowHostsAndAnArrayDeadlineAtOnceStayCorrectAndBounded() throws Exception {
        topics(2);
        byte[] good = Files.readAllBytes(TestData.require("videos/kerberos/" + GOOD[0]));
        byte[] eightK = Files.readAllBytes(inBand8k());
        Map<String, String> expectedReason = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            String trickle = "trickle-" + i + ".mp4";
            vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/" + trickle))
                    .willReturn(ok().withBody(good).withChunkedDribbleDelay(good.length / 100, 600_000)));
            String lying = "in-band-8k-" + i + ".mp4";
            vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/" + lying))
                    .willReturn(ok().withBody(eightK)));
            String claims = "claims-30mb-" + i + ".mp4";
            vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/" + claims))
                    .willReturn(ok().withBody(good).withChunkedDribbleDelay(4, 200)));
            send(good(trickle));
            send(good(lying));
            send(withSize(claims, 30_000_000));
            expectedReason.put("cam-user/" + trickle, "Retries exhausted after 2 attempts");
            expectedReason.put("cam-user/" + lying, "switches to 7680x4320 frames");
            expectedReason.put("cam-user/" + claims, "but the event says payload.fileSize 30000000");
        }
        String arrayFirst = GOOD[1];
        send("[" + good(arrayFirst) + "," + good("trickle-0.mp4").replace("cam-user/trickle-0", "cam-user/trickle-array")
                + "]");
        vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("cam-user/trickle-array.mp4"))
                .willReturn(ok().withBody(good).withChunkedDribbleDelay(good.length / 100, 600_000)));
        expectedReason.put("cam-user/trickle-array.mp4", "Retries exhausted after 2 attempts");
        for (String f : List.of(GOOD[0], GOOD[2])) {
            send(good(f));
        }

        long started = System.nanoTime();
        Process worker = worker(env(Map.of("CONCURRENCY", "4", "RECORDING_TIMEOUT", "6s", "RETRY_MAX_ATTEMPTS", "2",
                "RETRY_BACKOFF", "200ms", "VAULT_RETRIES", "1", "JAVA_TOOL_OPTIONS", "-Xmx256m")), "two-faults");
        long peakRss;
        try (Outcomes out = new Outcomes(kafka)) {
            out.readUntil(() -> out.dead.size() >= expectedReason.size() && out.published.size() >= 3
                    || !worker.isAlive(), Duration.ofSeconds(150));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(worker.isAlive(), this::logs);
            peakRss = peakRssMb(worker.pid());
            Map<String, String> byKey = new TreeMap<>();
            out.dead.forEach(d -> byKey.put(new String(d.key() == null ? new byte[0] : d.key()),
                    new String(d.headers().lastHeader("vaultml-dlq-reason").value())));
            System.out.printf("[two-faults] %d results %s, %d dead letters in %.1f s, peak RSS %d MB (heap 256 MB)%n",
                    out.published.size(), out.publishedCounts(), out.dead.size(), seconds, peakRss);
            byKey.forEach((k, r) -> System.out.printf("[two-faults]   %s -> %s%n", k, r));
            assertEquals(once(GOOD[0], GOOD[1], GOOD[2]), out.publishedCounts(),
                    "each good event once, the array's first included: " + out.reasons());
            assertEquals(expectedReason.size(), out.dead.size(), out.reasons().toString());
            out.reasons().values().forEach(reason -> assertTrue(expectedReason.values().stream()
                    .anyMatch(reason::contains), "unexpected reason: " + reason));
            expectedReason.values().forEach(want -> assertTrue(out.reasons().values().stream()
                    .anyMatch(r -> r.contains(want)), "no dead letter says " + want + ": " + out.reasons()));
        }
        assertTrue(peakRss < RSS_BOUND_MB, "peak RSS " + peakRss + " MB over the stated " + RSS_BOUND_MB + " MB");
        worker.destroy();
        assertTrue(worker.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, worker.exitValue(), this::logs);
    }

    /** The 8K-in-band MP4, made by scripts/make-hostile-media.sh (Debian's ffmpeg) into this test's log folder. */
    Path inBand8k() throws Exception {
        boolean ffmpeg = new ProcessBuilder("sh", "-c", "command -v ffmpeg").start().waitFor() == 0;
        if (!ffmpeg && Boolean.parseBoolean(System.getenv("VAULT_ML_REQUIRE_FFMPEG"))) {
            throw new AssertionError("the ffmpeg program is required (VAULT_ML_REQUIRE_FFMPEG=true)");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(ffmpeg, "SKIPPED: no ffmpeg program to make the 8K-in-band file");
        Process make = new ProcessBuilder("bash", Path.of("..", "scripts", "make-hostile-media.sh").toString(),
                logs.toString()).redirectErrorStream(true).start();
        String output = new String(make.getInputStream().readAllBytes());
        assertEquals(0, make.waitFor(), output);
        return logs.resolve("in-band-8k.mp4");
    }

    static String withSize(String file, long size) {
        return "{\"source\":\"storj\",\"payload\":{\"key\":\"cam-user/" + file + "\",\"fileSize\":" + size
                + ",\"metadata\":{\"publickey\":\"PUB-1\"}}}";
    }

    /** The kernel's high-water mark of the process's resident memory (VmHWM), in MB. */
    static long peakRssMb(long pid) throws java.io.IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }
}
