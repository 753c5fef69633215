package io.vaultml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.Media;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.StorageOverride;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.test.FakeDetector;
import io.vaultml.test.TestData;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.TrackerSettings;
import io.vaultml.video.Sampling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RecordingAnalyzerTest {

    static Media read(Path file) throws Exception {
        return Media.of(file.getFileName().toString(), Files.readAllBytes(file));
    }

    @Test
    void fourThreadsSharingOneDetectorGetWhatOneThreadGets() throws Exception {
        List<Path> files;
        try (Stream<Path> list = Files.list(TestData.require("videos/kerberos"))) {
            files = list.sorted().toList();
        }
        Map<String, Integer> stages = new ConcurrentHashMap<>();
        AnalysisListener listener = new AnalysisListener() {
            @Override
            public void stage(String stage, long nanos) {
                stages.merge(stage, 1, Integer::sum);
            }
        };
        FakeDetector detector = new FakeDetector("bright", 240);
        try (RecordingAnalyzer analyzer = RecordingAnalyzer.builder(detector).sampling(Sampling.rate(2, 20))
                .tracker(new CentroidTracker(TrackerSettings.defaults())).listener(listener).concurrency(4).build()) {
            List<AnalysisResult> alone = new ArrayList<>();
            for (Path f : files) {
                alone.add(analyzer.analyse(RecordingEvent.ofKey(f.getFileName().toString()), read(f)));
            }
            ExecutorService four = Executors.newFixedThreadPool(4);
            List<Future<AnalysisResult>> together = new ArrayList<>();
            for (Path f : files) {
                together.add(four.submit(() -> analyzer.analyse(RecordingEvent.ofKey(f.getFileName().toString()),
                        read(f))));
            }
            for (int i = 0; i < files.size(); i++) {
                AnalysisResult a = alone.get(i);
                AnalysisResult b = together.get(i).get();
                assertEquals(a.frames(), b.frames(), files.get(i) + ": the same detections per frame");
                assertEquals(a.tracks(), b.tracks(), files.get(i) + ": the same tracks");
                assertTrue(a.frames().size() > 0);
            }
            four.shutdown();
            assertTrue(analyzer.alive());
        }
        assertEquals(2 * files.size(), stages.get("decode"), stages.toString());
        assertEquals(2 * files.size(), stages.get("track"), stages.toString());
        assertTrue(detector.framesSeen() > 0);
        assertThrows(IllegalStateException.class, () -> detector.detect(null), "closed with the analyzer");
    }

    @Test
    void aCorruptRecordingIsThatRecordingsErrorNamingIt() throws Exception {
        try (RecordingAnalyzer analyzer = RecordingAnalyzer.builder(new FakeDetector()).build()) {
            UnprocessableInputException e = assertThrows(UnprocessableInputException.class, () -> analyzer.analyse(
                    RecordingEvent.ofKey("cam/broken.mp4"), Media.of("cam/broken.mp4",
                    Files.readAllBytes(TestData.require("videos/corrupt/random_bytes.mp4")))));
            assertEquals("decode", e.stage());
            assertTrue(e.getMessage().contains("cam/broken.mp4"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> analyzer.analyse(RecordingEvent.ofKey("x.mp4")),
                    "no fetcher configured");
        }
    }

    @Test
    void theDefaultRecordingDeadlineGrowsWithTheFramesAndTheSize() {
        RecordingEvent small = RecordingEvent.ofKey("cam/1.mp4");
        RecordingEvent big = new RecordingEvent("cam/2.mp4", "", 104_857_600L, Map.of(), null, null,
                StorageOverride.NONE, "{}");
        try (RecordingAnalyzer count = RecordingAnalyzer.builder(new FakeDetector()).sampling(Sampling.count(5)).build();
                RecordingAnalyzer rate = RecordingAnalyzer.builder(new FakeDetector()).sampling(Sampling.rate(2, 100))
                        .build();
                RecordingAnalyzer fixed = RecordingAnalyzer.builder(new FakeDetector())
                        .timeout(Duration.ofSeconds(42)).build()) {
            assertEquals(Duration.ofSeconds(130), count.timeoutFor(small), "2 min + 2 s x 5 frames");
            assertEquals(Duration.ofSeconds(330), count.timeoutFor(big), "+ 2 s x 100 MiB");
            assertEquals(Duration.ofSeconds(320), rate.timeoutFor(small), "2 min + 2 s x MAX_NUMBER_OF_PREDICTIONS");
            assertEquals(Duration.ofSeconds(42), fixed.timeoutFor(big), "a configured timeout wins");
            RecordingEvent absurd = new RecordingEvent("cam/3.mp4", "", Long.MAX_VALUE, Map.of(), null, null,
                    StorageOverride.NONE, "{}");
            assertEquals(Duration.ofHours(6), count.timeoutFor(absurd), "an event cannot buy an endless deadline");
        }
    }

    @Test
    void aTruncatedRecordingSaysSoInItsResult() throws Exception {
        Path cut = TestData.require("videos/corrupt/truncated_30pct_fragmented.mp4");
        Path whole = TestData.require("videos/kerberos/1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4");
        try (RecordingAnalyzer analyzer = RecordingAnalyzer.builder(new FakeDetector()).sampling(Sampling.rate(2, 100))
                .build()) {
            AnalysisResult damaged = analyzer.analyse(RecordingEvent.ofKey("cut.mp4"), read(cut));
            assertTrue(damaged.truncated() && damaged.truncation().startsWith("truncated or damaged"),
                    damaged.truncation());
            assertFalse(damaged.frames().isEmpty(), "the frames before the damage are analysed");
            AnalysisResult read = analyzer.analyse(RecordingEvent.ofKey("whole.mp4"), read(whole));
            assertFalse(read.truncated(), read.truncation());
        }
    }
}
