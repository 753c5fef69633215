package io.vaultml.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Media;
import io.vaultml.api.UnprocessableInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Media that lies about its frame size is refused as a whole, naming the size, before large frames exist. */
class HostileMediaTest {
    @TempDir
    static Path made;

    static Media inBand8k() throws IOException {
        Path file = made.resolve("in-band-8k.mp4");
        if (!java.nio.file.Files.exists(file)) {
            TestVideos.inBand8k(made);
        }
        return Media.of("in-band-8k.mp4", java.nio.file.Files.readAllBytes(file));
    }

    @Test
    void aStreamThatSwitchesToALargerSizeInBandIsRefusedBeforeDecodingNamingTheSize() throws IOException {
        AtomicInteger frames = new AtomicInteger();
        Media media = inBand8k();
        UnprocessableInputException e = assertThrows(UnprocessableInputException.class,
                () -> new FfmpegDecoder(DecoderOptions.defaults()).decode(media, Sampling.rate(10, 100),
                        f -> frames.incrementAndGet()));
        assertEquals("decode", e.stage());
        assertTrue(e.getMessage().contains("7680x4320") && e.getMessage().contains("320x240")
                && e.getMessage().contains("MAX_FRAME_PIXELS"), e.getMessage());
        assertEquals(0, frames.get(), "no frame is delivered from a recording that is refused");
    }

    @Test
    void theSameFileDecodesWhereTheLimitAllowsIt() throws IOException {
        AtomicInteger large = new AtomicInteger();
        new FfmpegDecoder(DecoderOptions.defaults().withMaxPixels(7680L * 4320)).decode(inBand8k(),
                Sampling.count(3), f -> {
                    if (f.width() == 7680) {
                        large.incrementAndGet();
                    }
                });
        assertTrue(large.get() > 0, "the 8K frames are real, so the refusal above is the limit's doing");
    }

    @Test
    void anHevcStreamThatGrowsInBandNeverDeliversAFrameOverTheLimit(@TempDir Path dir) throws IOException {
        // FFmpeg's HEVC parser announces no size for MP4's packets: the decoder's max_pixels and the check on each
        // decoded frame bound these. 320x240 for a second, then 1280x720, with a limit of 640x480.
        Path ffmpeg = TestVideos.requireProgram();
        String small = dir.resolve("a.hevc").toString();
        String large = dir.resolve("b.hevc").toString();
        for (String[] part : new String[][] {{"320x240", small}, {"1280x720", large}}) {
            TestVideos.run(java.util.List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y", "-f",
                    "lavfi", "-i", "testsrc=size=" + part[0] + ":rate=10", "-frames:v", "10", "-c:v", "libx265",
                    "-preset", "ultrafast", "-x265-params", "log-level=error", "-f", "hevc", part[1]));
        }
        Path joined = dir.resolve("ab.hevc");
        java.nio.file.Files.write(joined, concat(java.nio.file.Files.readAllBytes(Path.of(small)),
                java.nio.file.Files.readAllBytes(Path.of(large))));
        Path mp4 = dir.resolve("grows.mp4");
        TestVideos.run(java.util.List.of(ffmpeg.toString(), "-hide_banner", "-loglevel", "error", "-y", "-r", "10",
                "-i", joined.toString(), "-c", "copy", "-tag:v", "hvc1", mp4.toString()));
        Media media = Media.of("grows.mp4", java.nio.file.Files.readAllBytes(mp4));
        AtomicInteger over = new AtomicInteger();
        AtomicInteger delivered = new AtomicInteger();
        try {
            new FfmpegDecoder(DecoderOptions.defaults().withMaxPixels(640 * 480).withSeekMode(SeekMode.EXACT))
                    .decode(media, Sampling.rate(10, 100), f -> {
                        delivered.incrementAndGet();
                        if ((long) f.width() * f.height() > 640 * 480) {
                            over.incrementAndGet();
                        }
                    });
        } catch (UnprocessableInputException refused) {
            assertEquals("decode", refused.stage());
        }
        assertEquals(0, over.get(), "frames over the limit delivered");
        assertTrue(delivered.get() <= 10, "only the small part can be analysed, got " + delivered.get());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
