package io.vaultml.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Frame;
import io.vaultml.api.Media;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.test.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FfmpegDecoderTest {
    static final FfmpegDecoder DECODER = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(SeekMode.EXACT));

    static Media media(String relative) throws IOException {
        Path path = TestData.require(relative);
        return Media.of(path.getFileName().toString(), Files.readAllBytes(path));
    }

    record Seen(long index, long micros, int width, int height, int meanLuma) {
    }

    static List<Seen> decode(FfmpegDecoder decoder, Media media, Sampling sampling) {
        List<Seen> seen = new ArrayList<>();
        decoder.decode(media, sampling, f -> seen.add(new Seen(f.index(), f.timestampMicros(), f.width(), f.height(), mean(f))));
        return seen;
    }

    static int mean(Frame f) {
        long sum = 0;
        var px = f.pixels();
        for (int i = 0; i < px.remaining(); i += 97) {
            sum += px.get(i) & 0xff;
        }
        return (int) (sum / (px.remaining() / 97 + 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1630567591_6-967003_highway_200-200-400-400_24_769.mp4, 640, 360, 917, 30, h264",
        "1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4, 768, 576, 300, 10, h264",
        "1700000100_3-500_parking_0-0-768-432_37_0.mp4, 768, 432, 377, 12.5, h264",
        "1700000200_2-40_pedestrians_100-100-500-400_18_0.mp4, 768, 576, 200, 10, hevc",
        "1700000300_3-250_parking_200-200-400-400_24_0.mp4, 768, 432, 377, 12.5, h264",
        "1700000400_1-0_office_300-50-250-380_12_0.mp4, 768, 432, 200, 10, h264",
        "1700000500_3-875_pedestrians_200-200-400-400_31_0.mp4, 768, 576, 295, 10, h264",
    })
    void decodesEveryKerberosRecording(String file, int width, int height, int frames, double fps, String codec)
            throws IOException {
        Media media = media("videos/kerberos/" + file);
        List<Seen> seen = new ArrayList<>();
        DecodeReport report = DECODER.decode(media, Sampling.count(5), f -> seen.add(new Seen(f.index(),
                f.timestampMicros(), f.width(), f.height(), mean(f))));
        assertEquals(width, report.video().width());
        assertEquals(height, report.video().height());
        assertEquals(frames, report.video().frameCount());
        assertEquals(fps, report.video().fps(), 0.05);
        assertEquals(codec, report.video().codec());
        assertFalse(report.truncated(), report.problem());
        assertEquals(5, seen.size());
        // Evenly spread: the middle of each fifth.
        for (int i = 0; i < 5; i++) {
            long expected = (long) Math.floor((i + 0.5) * frames / 5);
            assertEquals(expected, seen.get(i).index(), "frame " + i + " of " + file);
            assertEquals(expected / fps, seen.get(i).micros() / 1e6, 1.5 / fps, "timestamp of frame " + expected);
            assertTrue(seen.get(i).meanLuma() > 10, "frame " + expected + " looks black");
        }
    }

    @Test
    void rateSamplingTakesAFrameEveryIntervalUpToTheMaximum() throws IOException {
        Media media = media("videos/kerberos/1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4");
        List<Seen> seen = decode(DECODER, media, Sampling.rate(2, 100));
        assertEquals(60, seen.size(), "30 s at 2 fps");
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i * 5L, seen.get(i).index());
            assertEquals(i * 500_000L, seen.get(i).micros(), 1_000);
        }
        assertEquals(10, decode(DECODER, media, Sampling.rate(2, 10)).size());
    }

    @Test
    void exactAndSequentialDecodingGiveTheSameFrames() throws IOException {
        // Seeking must land on exactly the frame a full sequential decode sees at that index.
        Media media = media("videos/kerberos/1700000500_3-875_pedestrians_200-200-400-400_31_0.mp4");
        List<Seen> sparse = decode(DECODER, media, Sampling.count(4));
        List<Seen> all = decode(DECODER, media, Sampling.rate(10, 10_000));
        assertEquals(295, all.size());
        for (Seen s : sparse) {
            assertEquals(all.get((int) s.index()), s, "frame " + s.index());
        }
    }

    @Test
    void keyframeModeSnapsToKeyframesAndDecodesLess() throws IOException {
        Media media = media("videos/kerberos/1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4");
        FfmpegDecoder keyframes = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(SeekMode.KEYFRAME));
        List<Seen> seen = new ArrayList<>();
        DecodeReport report = keyframes.decode(media, Sampling.count(5), f -> seen.add(new Seen(f.index(), 0, 0, 0, 0)));
        assertEquals(5, seen.size());
        for (Seen s : seen) {
            assertEquals(0, s.index() % 20, "GOP is 20: every analysed frame is a keyframe, got " + s.index());
        }
        assertEquals(5, report.framesDecoded(), "only keyframes are decoded");
        DecodeReport exact = DECODER.decode(media, Sampling.count(5), f -> { });
        assertTrue(exact.framesDecoded() > report.framesDecoded());
    }

    @Test
    void theDefaultTakesKeyframesForACountWhereThereAreEnoughAndExactFramesOtherwise() throws IOException {
        Media media = media("videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4"); // 200 frames, GOP 20
        FfmpegDecoder byDefault = new FfmpegDecoder(DecoderOptions.defaults());
        List<Seen> five = new ArrayList<>();
        DecodeReport keyframes = byDefault.decode(media, Sampling.count(5), f -> five.add(new Seen(f.index(),
                f.timestampMicros(), f.width(), f.height(), mean(f))));
        assertEquals(5, five.size());
        assertEquals(5, keyframes.framesDecoded(), "10 keyframes for 5 frames: only keyframes are decoded");
        long[] exactPositions = decode(DECODER, media, Sampling.count(5)).stream().mapToLong(Seen::index).toArray();
        for (int i = 0; i < 5; i++) {
            assertEquals(0, five.get(i).index() % 20, "a keyframe");
            assertTrue(Math.abs(five.get(i).index() - exactPositions[i]) <= 10, "within half a GOP of frame "
                    + exactPositions[i] + ": " + five.get(i).index());
        }
        List<Seen> all = decode(DECODER, media, Sampling.rate(10, 10_000));
        for (Seen s : five) {
            assertEquals(all.get((int) s.index()), s, "the keyframe itself, decoded alone, frame " + s.index());
        }
        assertEquals(decode(DECODER, media, Sampling.count(12)), decode(byDefault, media, Sampling.count(12)),
                "12 frames from 10 keyframes: the exact frames");
        assertEquals(decode(DECODER, media, Sampling.rate(2, 100)), decode(byDefault, media, Sampling.rate(2, 100)),
                "rate sampling: the exact frames");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "1630567591_6-967003_highway_200-200-400-400_24_769.mp4, 60",
        "1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4, 20",
        "1700000100_3-500_parking_0-0-768-432_37_0.mp4, 25",
        "1700000200_2-40_pedestrians_100-100-500-400_18_0.mp4, 20",
        "1700000300_3-250_parking_200-200-400-400_24_0.mp4, 25",
        "1700000400_1-0_office_300-50-250-380_12_0.mp4, 20",
        "1700000500_3-875_pedestrians_200-200-400-400_31_0.mp4, 30",
    })
    void keyframeModeDecodesEachChosenKeyframeAloneAndExactly(String file, int gop) throws IOException {
        Media media = media("videos/kerberos/" + file);
        FfmpegDecoder keyframes = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(SeekMode.KEYFRAME));
        List<Seen> seen = new ArrayList<>();
        DecodeReport report = keyframes.decode(media, Sampling.count(6), f -> seen.add(new Seen(f.index(),
                f.timestampMicros(), f.width(), f.height(), mean(f))));
        assertFalse(report.truncated(), report.problem());
        assertTrue(seen.size() >= 4, file + ": " + seen);
        assertEquals(seen.size(), report.framesDecoded(), "one decoded frame per keyframe");
        List<Seen> all = decode(DECODER, media, Sampling.rate(1000, 10_000));
        for (int i = 0; i < seen.size(); i++) {
            Seen s = seen.get(i);
            assertEquals(0, s.index() % gop, "frame " + s.index() + " is not a keyframe (GOP " + gop + ")");
            assertTrue(i == 0 || s.index() > seen.get(i - 1).index(), "ascending, distinct: " + seen);
            assertEquals(all.get((int) s.index()), s, "keyframe " + s.index() + " differs from a sequential decode");
        }
    }

    @Test
    void truncatedRecordingsYieldTheirDecodableFramesAndSaySo() throws IOException {
        for (String file : List.of("truncated_30pct_faststart.mp4", "truncated_30pct_fragmented.mp4")) {
            Media media = media("videos/corrupt/" + file);
            List<Seen> seen = new ArrayList<>();
            DecodeReport report = DECODER.decode(media, Sampling.rate(100, 1000), f -> seen.add(new Seen(f.index(), 0, 0, 0, 0)));
            assertTrue(seen.size() >= 50, file + ": only " + seen.size() + " frames");
            assertTrue(report.truncated(), file + " must be reported as truncated");
            assertFalse(report.problem().isBlank());
            // Sparse sampling never decodes up to the cut, but the packet scan sees it.
            for (SeekMode mode : SeekMode.values()) {
                DecodeReport sparse = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(mode))
                        .decode(media, Sampling.count(5), f -> { });
                assertEquals(5, sparse.framesDelivered(), file + " " + mode);
                assertTrue(sparse.truncated(), file + " " + mode + " must be reported as truncated");
                assertTrue(sparse.problem().startsWith("the file ends early"), sparse.problem());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "empty.mp4, Recording empty.mp4 is empty (0 bytes)",
        "random_bytes.mp4, Recording random_bytes.mp4 is not a readable video: Invalid data found when processing input",
        "truncated_30pct_moov_at_end.mp4, Recording truncated_30pct_moov_at_end.mp4 is not a readable video: Invalid data found when processing input",
    })
    void unreadableFilesAreAPermanentNamedError(String file, String message) throws IOException {
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class,
                () -> DECODER.decode(media("videos/corrupt/" + file), Sampling.count(5), f -> { }));
        assertEquals(message, e.getMessage());
        assertEquals("decode", e.stage());
    }

    @Test
    void decodeTimeIsBounded() throws IOException {
        FfmpegDecoder impatient = new FfmpegDecoder(DecoderOptions.defaults().withMaxDecodeTime(Duration.ofNanos(1)));
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class, () -> impatient.decode(
                media("videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4"), Sampling.count(5), f -> { }));
        assertTrue(e.getMessage().contains("took longer than"), e.getMessage());
    }

    @Test
    void hardwareAutoFallsBackToTheCpuDecoder() throws IOException {
        FfmpegDecoder auto = new FfmpegDecoder(DecoderOptions.defaults().withHardware(HardwareDecoding.AUTO));
        DecodeReport report = auto.decode(media("videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4"),
                Sampling.count(2), f -> { });
        assertEquals(2, report.framesDelivered());
        assertTrue(report.video().codec().equals("h264") || report.video().codec().equals("h264_cuvid"));
    }

    @Test
    void manyConcurrentDecodesEachReadTheirOwnBytes() throws Exception {
        // More decodes at once than JavaCPP has slots for callback objects (10), all starting together: each must see
        // exactly the frames a decode on its own sees. With one callback object per decode, concurrent creation
        // could hand two decodes the same slot (wrong bytes, "Invalid data", or an aborted JVM).
        List<Media> recordings = new ArrayList<>();
        try (var files = Files.list(TestData.require("videos/kerberos"))) {
            for (Path f : files.sorted().toList()) {
                recordings.add(Media.of(f.getFileName().toString(), Files.readAllBytes(f)));
            }
        }
        List<List<Seen>> alone = new ArrayList<>();
        for (Media m : recordings) {
            alone.add(decode(DECODER, m, Sampling.count(3)));
        }
        int threads = 16;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 5; round++) {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<List<Seen>>> together = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    Media m = recordings.get(i % recordings.size());
                    together.add(pool.submit(() -> {
                        start.await();
                        return decode(DECODER, m, Sampling.count(3));
                    }));
                }
                start.countDown();
                for (int i = 0; i < threads; i++) {
                    assertEquals(alone.get(i % recordings.size()), together.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS),
                            "round " + round + ", decode " + i + " (" + recordings.get(i % recordings.size()).key() + ")");
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, MemoryInput.openCount(), "every input was released");
    }
}
