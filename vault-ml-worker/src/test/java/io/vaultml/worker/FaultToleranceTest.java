package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.analysis.RecordingAnalyzer;
import io.vaultml.analysis.SharedDetector;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.Forwarder;
import io.vaultml.api.Frame;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.OutageException;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.kerberos.ResultFormat;
import io.vaultml.test.Await;
import io.vaultml.test.FakeDetector;
import io.vaultml.test.InMemoryEventSource;
import io.vaultml.test.RecordingForwarder;
import io.vaultml.test.ScriptedDetector;
import io.vaultml.test.TestData;
import io.vaultml.video.Sampling;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The worker loop with in-memory transports and a scripted fetcher and detector: whatever one event throws ends as
 * that event's outcome; retries are bounded and backed off, resume where they stopped, and do not count outages; a
 * stuck or dead inference is visible and bounded.
 */
class FaultToleranceTest {
    static byte[] video;

    @BeforeAll
    static void loadVideo() throws Exception {
        video = Files.readAllBytes(TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY));
    }

    /** A fetcher that answers per key: a function of the key and how often it was asked. */
    static final class ScriptedFetcher implements MediaFetcher {
        final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        final java.util.function.BiFunction<String, Integer, Media> script;

        ScriptedFetcher(java.util.function.BiFunction<String, Integer, Media> script) {
            this.script = script;
        }

        @Override
        public Media fetch(RecordingEvent event) {
            int n = calls.computeIfAbsent(event.key(), k -> new AtomicInteger()).incrementAndGet();
            return script.apply(event.key(), n);
        }

        int calls(String key) {
            AtomicInteger n = calls.get(key);
            return n == null ? 0 : n.get();
        }
    }

    static Media good(String key) {
        return new Media(key, ByteBuffer.wrap(video), "video/mp4");
    }

    static String event(String key) {
        return "{\"payload\":{\"key\":\"" + key + "\",\"metadata\":{\"publickey\":\"PUB-SECRET\"}}}";
    }

    /** A worker over the given parts, running on its own thread. */
    static final class Harness implements AutoCloseable {
        final InMemoryEventSource source = new InMemoryEventSource();
        final RecordingForwarder out = new RecordingForwarder();
        final SharedDetector inference;
        final Worker worker;
        final io.vaultml.worker.ops.OpsServer ops;
        final CompletableFuture<Integer> exit;

        Harness(MediaFetcher fetcher, Detector detector, List<Forwarder> after, DeadLetterSink deadLetters,
                RetryPolicy retries, Duration recordingTimeout, Duration stall) {
            this(fetcher, detector, after, deadLetters, retries, recordingTimeout, stall, System::nanoTime);
        }

        Harness(MediaFetcher fetcher, Detector detector, List<Forwarder> after, DeadLetterSink deadLetters,
                RetryPolicy retries, Duration recordingTimeout, Duration stall, java.util.function.LongSupplier clock) {
            Metrics metrics = new Metrics();
            inference = SharedDetector.forConcurrency(detector, 2, metrics::inferenceBatch);
            RecordingAnalyzer analyzer = RecordingAnalyzer.builder(inference).fetcher(fetcher)
                    .sampling(Sampling.count(2)).listener(metrics).timeout(recordingTimeout).build();
            List<Forwarder> forwarders = new java.util.ArrayList<>(List.of(out));
            forwarders.addAll(after);
            Pipeline pipeline = new Pipeline(analyzer, forwarders, deadLetters == null ? out : deadLetters,
                    io.vaultml.kerberos.ResultWriter.of(ResultFormat.LEGACY), 10, metrics);
            worker = new Worker(source, pipeline, metrics, 2, Duration.ofSeconds(5), retries, stall, inference::alive,
                    clock);
            try {
                ops = new io.vaultml.worker.ops.OpsServer(0, () -> "", worker::problems, () -> true);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            exit = CompletableFuture.supplyAsync(worker::run);
        }

        Harness(MediaFetcher fetcher) {
            this(fetcher, new FakeDetector(), List.of(), null, new RetryPolicy(Duration.ofMillis(50),
                    Duration.ofMillis(200), 3), Duration.ofSeconds(30), Duration.ofMinutes(5));
        }

        int stop() throws Exception {
            worker.stop();
            return exit.get(30, TimeUnit.SECONDS);
        }

        /** {@code /healthz} as an orchestrator sees it: status and body. */
        String healthz() throws Exception {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + ops.port() + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().strip();
        }

        @Override
        public void close() throws Exception {
            if (!exit.isDone()) {
                stop();
            }
            ops.close();
            inference.close();
        }
    }

    static void await(BooleanSupplier condition, Duration within, Supplier<String> state) throws Exception {
        Await.until(condition, within, state);
    }

    static Map<String, String> reasons(RecordingForwarder out) {
        Map<String, String> reasons = new java.util.TreeMap<>();
        for (DeadLetter d : out.deadLetters()) {
            reasons.put(d.recordingKey().isEmpty() ? d.delivery().id() : d.recordingKey(), d.stage() + ": " + d.reason());
        }
        return reasons;
    }

    @Test
    void whateverOneEventThrowsIsThatEventsDeadLetterAndTheWorkerGoesOn() throws Exception {
        ScriptedFetcher fetcher = new ScriptedFetcher((key, n) -> switch (key) {
            case "cam/uri.mp4" -> throw new IllegalArgumentException("URI is not absolute");
            case "cam/cast.mp4" -> throw new ClassCastException("sun.net.www.protocol.file.FileURLConnection");
            case "cam/deep.mp4" -> throw new StackOverflowError();
            case "cam/npe.mp4" -> throw new NullPointerException();
            default -> good(key);
        });
        try (Harness h = new Harness(fetcher)) {
            for (String key : List.of("cam/uri.mp4", "cam/good-1.mp4", "cam/cast.mp4", "cam/deep.mp4", "cam/npe.mp4",
                    "cam/good-2.mp4")) {
                h.source.offer(event(key));
            }
            h.source.offer("{\"data\":{\"storage_secret\": s3cr3t}}");
            h.source.offer("[" + event("cam/good-3.mp4") + ",7]");
            await(() -> h.source.completed().size() == 8, Duration.ofSeconds(60), () -> reasons(h.out).toString());
            assertTrue(h.worker.healthy());
            assertEquals(0, h.stop());
            assertEquals(List.of("cam/good-1.mp4", "cam/good-2.mp4", "cam/good-3.mp4"),
                    h.out.results().stream().map(ResultMessage::key).sorted().toList());
            assertEquals(6, h.out.deadLetters().size(), reasons(h.out).toString());
            assertEquals(0, h.source.inFlightCount());
        }
    }

    @Test
    void outcomesOfHostileEventsNameTheRecordingAndTheCause() throws Exception {
        ScriptedFetcher fetcher = new ScriptedFetcher((key, n) -> switch (key) {
            case "cam/uri.mp4" -> throw new IllegalArgumentException("URI is not absolute");
            case "cam/deep.mp4" -> throw new StackOverflowError();
            default -> good(key);
        });
        Map<String, String> reasons;
        List<String> published;
        try (Harness h = new Harness(fetcher)) {
            h.source.offer(event("cam/uri.mp4"));
            h.source.offer(event("cam/deep.mp4"));
            h.source.offer("{\"data\":{\"storage_secret\": s3cr3t}}");
            h.source.offer("[" + event("cam/good.mp4") + ",7]");
            await(() -> h.source.completed().size() == 4, Duration.ofSeconds(60), () -> reasons(h.out).toString());
            assertEquals(0, h.stop());
            reasons = reasons(h.out);
            published = h.out.results().stream().map(ResultMessage::key).toList();
        }
        assertEquals(List.of("cam/good.mp4"), published);
        assertEquals("internal: Unexpected failure on recording cam/uri.mp4: java.lang.IllegalArgumentException: "
                + "URI is not absolute", reasons.get("cam/uri.mp4"));
        assertEquals("internal: Unexpected failure on recording cam/deep.mp4: java.lang.StackOverflowError",
                reasons.get("cam/deep.mp4"));
        assertEquals("parse: Event is not valid JSON: unrecognized token at line 1, column 28", reasons.get("mem-2"));
        assertEquals("parse: Event array element [1] must be a JSON object, got a number", reasons.get("mem-3"));
        assertFalse(reasons.toString().contains("s3cr3t"));
    }

    @Test
    void transientFailuresAreRetriedWithBackoffThenDeadLetteredAndNeighboursPublishOnce() throws Exception {
        ScriptedFetcher fetcher = new ScriptedFetcher((key, n) -> {
            if (key.equals("cam/503.mp4")) {
                throw new RetriableException("Vault download of cam/503.mp4 failed: HTTP 503");
            }
            if (key.equals("cam/flaky.mp4") && n == 1) {
                throw new RetriableException("Vault download of cam/flaky.mp4 failed: HTTP 502");
            }
            return good(key);
        });
        try (Harness h = new Harness(fetcher)) {
            for (String key : List.of("cam/a.mp4", "cam/503.mp4", "cam/b.mp4", "cam/flaky.mp4", "cam/c.mp4")) {
                h.source.offer(event(key));
            }
            await(() -> h.source.completed().size() == 5, Duration.ofSeconds(60), () -> reasons(h.out).toString());
            assertEquals(0, h.stop());
            assertEquals(3, fetcher.calls("cam/503.mp4"), "RETRY_MAX_ATTEMPTS tries, no more");
            assertEquals(2, fetcher.calls("cam/flaky.mp4"));
            for (String key : List.of("cam/a.mp4", "cam/b.mp4", "cam/c.mp4")) {
                assertEquals(1, fetcher.calls(key), key + " processed once");
            }
            List<String> published = h.out.results().stream().map(ResultMessage::key).sorted().toList();
            assertEquals(List.of("cam/a.mp4", "cam/b.mp4", "cam/c.mp4", "cam/flaky.mp4"), published,
                    "every other recording published exactly once");
            Map<String, String> reasons = reasons(h.out);
            assertEquals(1, reasons.size());
            assertTrue(reasons.get("cam/503.mp4").matches("retry: Retries exhausted after 3 attempts over \\d+ s; "
                    + "last cause: Vault download of cam/503.mp4 failed: HTTP 503"), reasons.toString());
            assertEquals(0, h.source.inFlightCount());
        }
    }

    @Test
    void aRetryResumesAtTheForwarderThatFailedAndPublishesNothingTwice() throws Exception {
        AtomicInteger hubCalls = new AtomicInteger();
        Forwarder hub = new Forwarder() {
            @Override
            public void forward(ResultMessage message) {
                if (hubCalls.incrementAndGet() == 1) {
                    throw new RetriableException("Hub answered 502");
                }
            }

            @Override
            public String describe() {
                return "hub";
            }
        };
        ScriptedFetcher fetcher = new ScriptedFetcher((key, n) -> good(key));
        try (Harness h = new Harness(fetcher, new FakeDetector(), List.of(hub), null,
                new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(100), 3), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            h.source.offer(event("cam/one.mp4"));
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            assertEquals(1, h.out.results().size(), "the results topic got it once");
            assertEquals(1, fetcher.calls("cam/one.mp4"), "not analysed again");
            assertEquals(2, hubCalls.get());
        }
    }

    @Test
    void anOutageIsNotCountedAgainstTheEventsAndPausesNewWork() throws Exception {
        AtomicInteger outageCalls = new AtomicInteger(6);
        java.util.concurrent.atomic.AtomicLong firstOutage = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong firstSuccess = new java.util.concurrent.atomic.AtomicLong();
        ScriptedFetcher fetcher = new ScriptedFetcher((key, n) -> {
            if (outageCalls.getAndDecrement() > 0) {
                firstOutage.compareAndSet(0, System.nanoTime());
                throw new OutageException("The vault at http://v:80 failed repeatedly", Duration.ofMillis(150));
            }
            firstSuccess.compareAndSet(0, System.nanoTime());
            return good(key);
        });
        try (Harness h = new Harness(fetcher, new FakeDetector(), List.of(), null,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 1), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            for (String key : List.of("cam/a.mp4", "cam/b.mp4", "cam/c.mp4")) {
                h.source.offer(event(key));
            }
            await(() -> h.source.completed().size() == 3, Duration.ofSeconds(60), () -> reasons(h.out).toString());
            assertEquals(List.of(), h.out.deadLetters(), "one attempt allowed, and none spent on the outage");
            assertEquals(3, h.out.results().size());
            int calls = fetcher.calls.values().stream().mapToInt(AtomicInteger::get).sum();
            assertTrue(calls <= 3 + 6, "no more calls than the outage refused plus one each: " + calls);
            // The pause: no try starts until the outage's 150 ms are over (the backoff alone would be 10 ms).
            long paused = Duration.ofNanos(firstSuccess.get() - firstOutage.get()).toMillis();
            assertTrue(paused >= 150, "new work waited out the outage: first success " + paused + " ms after it");
        }
    }

    @Test
    void aDeadLetterDestinationThatRejectsTheEntryGetsAReducedOne() throws Exception {
        RecordingForwarder accepted = new RecordingForwarder();
        DeadLetterSink picky = new DeadLetterSink() {
            @Override
            public void deadLetter(DeadLetter entry) {
                if (entry.delivery().payload().length > 0) {
                    throw new UnprocessableInputException("forward", "RecordTooLargeException: the message is "
                            + entry.delivery().payload().length + " bytes");
                }
                accepted.deadLetter(entry);
            }

            @Override
            public String describe() {
                return "picky";
            }
        };
        try (Harness h = new Harness(new ScriptedFetcher((k, n) -> good(k)), new FakeDetector(), List.of(), picky,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 2), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            h.source.offer("not json at all");
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> "");
            assertTrue(h.worker.healthy());
        }
        assertEquals(1, accepted.deadLetters().size());
        DeadLetter d = accepted.deadLetters().get(0);
        assertTrue(d.reason().startsWith("Event is not valid JSON: "), d.reason());
        assertTrue(d.reason().endsWith("[original body of 15 bytes left out: the dead-letter destination rejected the "
                + "full entry (RecordTooLargeException: the message is 15 bytes)]"), d.reason());
        assertEquals("15", d.delivery().attributes().get("vaultml-original-bytes"));
    }

    /** Returns a short list on its first call (a plugin bug), then behaves. */
    static final class ContractBreakingDetector extends ScriptedDetector {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public List<List<Detection>> detectAll(List<Frame> frames) {
            return calls.incrementAndGet() == 1 ? List.of() : fake.detectAll(frames);
        }
    }

    @Test
    void aDetectorThatBreaksItsContractFailsThatRecordingNotTheInferenceThread() throws Exception {
        try (Harness h = new Harness(new ScriptedFetcher((k, n) -> good(k)), new ContractBreakingDetector(), List.of(),
                null, new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 2), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            h.source.offer(event("cam/first.mp4"));
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> "");
            h.source.offer(event("cam/second.mp4"));
            await(() -> h.source.completed().size() == 2, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            assertTrue(h.inference.alive());
            assertEquals(List.of("cam/second.mp4"), h.out.results().stream().map(ResultMessage::key).toList());
            assertEquals("detect: Recording cam/first.mp4 failed in detect: IllegalStateException: detector fake broke "
                    + "its contract: 0 result list(s) for 1 frame(s)", reasons(h.out).get("cam/first.mp4"));
        }
    }

    /** Blocks on its first batch until released: an inference that hangs. */
    static final class StuckDetector extends ScriptedDetector {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public List<List<Detection>> detectAll(List<Frame> frames) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return fake.detectAll(frames);
        }
    }

    @Test
    void aStuckInferenceHitsTheRecordingDeadlineAndHealthzReportsTheStall() throws Exception {
        StuckDetector stuck = new StuckDetector();
        ScriptedFetcher fetcher = new ScriptedFetcher((k, n) -> good(k));
        try (Harness h = new Harness(fetcher, stuck, List.of(), null,
                new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(100), 50), Duration.ofMillis(1500),
                Duration.ofMillis(500))) {
            h.source.offer(event("cam/stuck.mp4"));
            await(() -> !h.worker.healthy(), Duration.ofSeconds(10), () -> "still healthy");
            assertTrue(h.healthz().startsWith("503 stalled: 1 recording(s) in flight"), h.healthz());
            // The deadline turns the stuck try into a retry in place: the same delivery is tried again.
            await(() -> fetcher.calls("cam/stuck.mp4") >= 2, Duration.ofSeconds(10), () -> "no retry");
            stuck.release.countDown();
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            assertEquals(1, h.source.completed().get(0).attempt(), "retried in place, never given back to the queue");
            assertEquals(1, h.out.results().size(), "published once it could be");
            await(h.worker::healthy, Duration.ofSeconds(5), () -> h.worker.problems().toString());
            assertEquals("200 ok", h.healthz());
        }
    }

    /** Throws an Error that escapes every per-batch guard: the inference thread dies. */
    static final class DyingDetector extends ScriptedDetector {
        @Override
        public List<List<Detection>> detectAll(List<Frame> frames) {
            throw new InternalError("native crash in the runtime");
        }
    }

    @Test
    void aConfigurationErrorTheSourceMeetsAtRunTimeStopsTheWorkerWithStatus1() throws Exception {
        io.vaultml.api.EventSource fenced = new io.vaultml.api.EventSource() {
            @Override
            public List<io.vaultml.api.Delivery> poll(Duration timeout) {
                throw new io.vaultml.api.ConfigException("Kafka group g fenced this worker: another consumer joined "
                        + "with the same group instance id 'w'");
            }

            @Override
            public void complete(io.vaultml.api.Delivery delivery) {
            }

            @Override
            public void retryLater(io.vaultml.api.Delivery delivery) {
            }

            @Override
            public void wakeup() {
            }

            @Override
            public String describe() {
                return "a fenced consumer";
            }

            @Override
            public void close() {
            }
        };
        Metrics metrics = new Metrics();
        try (SharedDetector inference = SharedDetector.forConcurrency(new FakeDetector(), 1, metrics::inferenceBatch)) {
            RecordingForwarder out = new RecordingForwarder();
            Pipeline pipeline = new Pipeline(RecordingAnalyzer.builder(inference).fetcher(new ScriptedFetcher(
                    (k, n) -> good(k))).sampling(Sampling.count(2)).listener(metrics).build(), List.of(out), out,
                    io.vaultml.kerberos.ResultWriter.of(ResultFormat.LEGACY), 10, metrics);
            Worker worker = new Worker(fenced, pipeline, metrics, 1, Duration.ofSeconds(5),
                    new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 8), Duration.ofMinutes(5), () -> true);
            assertEquals(1, CompletableFuture.supplyAsync(worker::run).get(30, TimeUnit.SECONDS),
                    "a fatal stop, not a retry every few seconds forever");
            assertEquals(List.of("fatal error: ConfigException"), worker.problems());
        }
    }

    @Test
    void aDeadInferenceThreadIsFatalAndVisible() throws Exception {
        try (Harness h = new Harness(new ScriptedFetcher((k, n) -> good(k)), new DyingDetector(), List.of(), null,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 3), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            h.source.offer(event("cam/a.mp4"));
            assertEquals(1, (int) h.exit.get(30, TimeUnit.SECONDS), "the worker exits non-zero");
            assertFalse(h.inference.alive());
            assertTrue(h.worker.problems().contains("the inference thread is not running"), h.worker.problems().toString());
            assertEquals(List.of(), h.out.deadLetters(), "not the event's fault: no dead letter");
            assertEquals(List.of(), h.source.completed(), "given back, not committed");
        }
    }

    @Test
    void aRecordingStuckWhereNoDeadlineReachesIsReleasedAndTheOthersGoOn() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        ScriptedFetcher fetcher = stuckOnFirstFetchOf("cam/stuck.mp4", unblock);
        try (Harness h = stuckHarness(fetcher)) {
            h.source.offer(event("cam/stuck.mp4"));
            await(() -> fetcher.calls("cam/stuck.mp4") == 1, Duration.ofSeconds(10), () -> "not started");
            for (String key : List.of("cam/a.mp4", "cam/b.mp4", "cam/c.mp4")) {
                h.source.offer(event(key));
            }
            // Released after RECORDING_TIMEOUT: delivered again, and this time it works; the others go on meanwhile.
            await(() -> h.out.results().size() == 4, Duration.ofSeconds(60), () -> reasons(h.out).toString());
            assertEquals(2, fetcher.calls("cam/stuck.mp4"), "redelivered once");
            assertEquals("503 stuck: 1 recording(s) busy past RECORDING_TIMEOUT, released for redelivery",
                    h.healthz());
            unblock.countDown();
            await(h.worker::healthy, Duration.ofSeconds(10), () -> h.worker.problems().toString());
            assertEquals(List.of(), h.out.deadLetters());
        }
    }

    @Test
    void aReleasedArrayMessageComesBackWithoutPublishingItsFinishedEventsAgain() throws Exception {
        CountDownLatch unblock = new CountDownLatch(1);
        ScriptedFetcher fetcher = stuckOnFirstFetchOf("cam/stuck.mp4", unblock);
        try (Harness h = stuckHarness(fetcher)) {
            // One message, three events: the first is published, then the try sticks in the second.
            h.source.offer("[" + event("cam/first.mp4") + "," + event("cam/stuck.mp4") + "," + event("cam/last.mp4")
                    + "]");
            await(() -> h.source.givenBack() == 1, Duration.ofSeconds(30), () -> "not released");
            // The redelivery, to this worker, resumes after the first event.
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            unblock.countDown(); // the old try gets its recording at last, analyses it, and must publish nothing
            await(h.worker::healthy, Duration.ofSeconds(30), () -> h.worker.problems().toString());
            assertEquals(0, h.stop());
            assertEquals(List.of("cam/first.mp4", "cam/last.mp4", "cam/stuck.mp4"),
                    h.out.results().stream().map(ResultMessage::key).sorted().toList(), "each published once");
            assertEquals(List.of(), h.out.deadLetters());
            assertEquals(2, fetcher.calls("cam/stuck.mp4"));
            assertEquals(1, fetcher.calls("cam/first.mp4"), "the first event was not analysed again");
        }
    }

    /** A fetcher whose first call for {@code key} sticks, as a plugin's call no timeout covers, until {@code unblock}. */
    static ScriptedFetcher stuckOnFirstFetchOf(String key, CountDownLatch unblock) {
        return new ScriptedFetcher((k, n) -> {
            if (k.equals(key) && n == 1) {
                stuckUntil(unblock);
            }
            return good(k);
        });
    }

    /** A worker over {@code fetcher} whose recordings get 500 ms (so a stuck one is released after about 5.5 s). */
    static Harness stuckHarness(ScriptedFetcher fetcher) {
        return new Harness(fetcher, new FakeDetector(), List.of(), null,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 3), Duration.ofMillis(500),
                Duration.ofMinutes(5));
    }

    /** Blocks until {@code unblock}, deaf to interrupts as native code is. */
    static void stuckUntil(CountDownLatch unblock) {
        while (unblock.getCount() > 0) {
            try {
                unblock.await();
            } catch (InterruptedException e) {
                // ignored, as native code would
            }
        }
    }

    /** A fetcher whose chosen recordings take their whole time limit and then fail, as a trickling host does. */
    static final class OverrunningFetcher implements MediaFetcher {
        final ScriptedFetcher inner = new ScriptedFetcher((k, n) -> good(k));
        final java.util.function.BiPredicate<String, Integer> overruns;

        OverrunningFetcher(java.util.function.BiPredicate<String, Integer> overruns) {
            this.overruns = overruns;
        }

        @Override
        public Media fetch(RecordingEvent event) {
            throw new AssertionError("the analyzer must pass the recording's time limit");
        }

        @Override
        public Media fetch(RecordingEvent event, Duration timeLimit) {
            int n = inner.calls.computeIfAbsent(event.key(), k -> new AtomicInteger()).incrementAndGet();
            if (overruns.test(event.key(), n)) {
                try {
                    new CountDownLatch(1).await(timeLimit.toNanos(), TimeUnit.NANOSECONDS); // the host trickles
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new RetriableException("download of " + event.key() + " did not finish within its time limit");
            }
            return good(event.key());
        }

        int calls(String key) {
            return inner.calls(key);
        }
    }

    static String array(String... keys) {
        return "[" + String.join(",", java.util.Arrays.stream(keys).map(FaultToleranceTest::event).toList()) + "]";
    }

    @Test
    void aDeadlineOnTheSecondEventOfAnArrayRetriesThatEventAloneAndPublishesTheFirstOnce() throws Exception {
        OverrunningFetcher fetcher = new OverrunningFetcher((key, n) -> key.equals("cam/slow.mp4") && n == 1);
        try (Harness h = new Harness(fetcher, new FakeDetector(), List.of(), null,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 2), Duration.ofMillis(700),
                Duration.ofMinutes(5))) {
            h.source.offer(array("cam/first.mp4", "cam/slow.mp4"));
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            assertEquals(List.of("cam/first.mp4", "cam/slow.mp4"), h.out.results().stream().map(ResultMessage::key)
                    .toList(), "each event published once, the first never again");
            assertEquals(1, fetcher.calls("cam/first.mp4"));
            assertEquals(2, fetcher.calls("cam/slow.mp4"));
            assertEquals(0, h.source.givenBack(), "retried in place with its progress, not through the broker");
        }
    }

    @Test
    void aRecordingThatAlwaysOverrunsItsDeadlineIsDeadLetteredOnceAfterTheLastAttempt() throws Exception {
        OverrunningFetcher fetcher = new OverrunningFetcher((key, n) -> key.equals("cam/hopeless.mp4"));
        try (Harness h = new Harness(fetcher, new FakeDetector(), List.of(), null,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 3), Duration.ofMillis(300),
                Duration.ofMinutes(5))) {
            h.source.offer(event("cam/hopeless.mp4"));
            h.source.offer(event("cam/fine.mp4"));
            await(() -> h.source.completed().size() == 2, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            assertEquals(3, fetcher.calls("cam/hopeless.mp4"), "RETRY_MAX_ATTEMPTS tries, then no more");
            assertEquals(1, h.out.deadLetters().size());
            String reason = h.out.deadLetters().get(0).reason();
            assertTrue(reason.startsWith("Retries exhausted after 3 attempts") && reason.contains("time limit"),
                    reason);
            assertEquals(List.of("cam/fine.mp4"), h.out.results().stream().map(ResultMessage::key).toList());
            assertEquals(0, h.source.givenBack());
        }
    }

    @Test
    void aMessageDeliveredMoreThanTwiceAsOftenAsAllowedIsDeadLetteredWithoutAnotherTry() throws Exception {
        ScriptedFetcher fetcher = new ScriptedFetcher((k, n) -> good(k));
        try (Harness h = new Harness(fetcher, new FakeDetector(), List.of(), null,
                new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 3), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            // As a quorum queue's x-delivery-count says of a message whose worker died on it six times.
            h.source.offer(event("cam/poison.mp4").getBytes(java.nio.charset.StandardCharsets.UTF_8), 7);
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> reasons(h.out).toString());
            assertEquals(0, fetcher.calls("cam/poison.mp4"), "not tried a seventh time");
            assertEquals(1, h.out.deadLetters().size());
            assertTrue(h.out.deadLetters().get(0).reason().contains("delivered 7 times without an outcome"),
                    h.out.deadLetters().get(0).reason());
        }
    }

    @Test
    void aSlowDeadLetterWriteAfterExhaustedRetriesIsNotReleasedAsStuck() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch finishWrite = new CountDownLatch(1);
        RecordingForwarder sink = new RecordingForwarder();
        DeadLetterSink slow = new DeadLetterSink() {
            @Override
            public void deadLetter(DeadLetter entry) {
                writing.countDown();
                try {
                    finishWrite.await(30, TimeUnit.SECONDS); // a broker slow to acknowledge
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sink.deadLetter(entry);
            }

            @Override
            public String describe() {
                return "slow";
            }
        };
        ScriptedFetcher fetcher = new ScriptedFetcher((k, n) -> {
            throw new RetriableException("Vault answered 503");
        });
        try (Harness h = new Harness(fetcher, new FakeDetector(), List.of(), slow,
                new RetryPolicy(Duration.ZERO, Duration.ZERO, 2), Duration.ofSeconds(1), Duration.ofHours(1),
                now::get)) {
            h.source.offer(event("cam/failing.mp4"));
            assertTrue(writing.await(30, TimeUnit.SECONDS), "the dead letter was never written");
            // Far past the last event's budget (1 s), well within the dead-letter step's: not stuck.
            now.addAndGet(Duration.ofSeconds(30).toNanos());
            long polls = h.source.polls();
            h.source.wakeup();
            // Two polls later the loop has looked for stuck tries at the new time at least once.
            await(() -> h.source.polls() >= polls + 2, Duration.ofSeconds(10), () -> "the loop did not go round");
            assertEquals(List.of(), h.worker.problems());
            finishWrite.countDown();
            await(() -> h.source.completed().size() == 1, Duration.ofSeconds(30), () -> reasons(sink).toString());
            assertEquals(0, h.source.givenBack(), "given back while its dead letter was being written");
            assertEquals(1, sink.deadLetters().size());
        }
    }
}
