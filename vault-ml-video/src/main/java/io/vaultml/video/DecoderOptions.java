package io.vaultml.video;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and choices for decoding one recording.
 *
 * @param seekMode exact frames or nearest keyframes
 * @param hardware NVDEC use
 * @param threads FFmpeg threads for decoding runs of frames, 0 = FFmpeg's choice (one per core and one more);
 *     keyframe-only decodes use one, as frame threads have nothing to overlap there
 * @param maxDecodeTime a recording whose decoding (not counting the consumer) takes longer is rejected, so corrupt
 *     files cannot hang a worker
 * @param maxPixels frames larger than this (width x height) are rejected, bounding memory per frame: the
 *     container's declared size, every size the stream announces in band, every decoded frame, and the decoder's
 *     own {@code max_pixels}
 * @param maxFrames containers announcing more video packets than this are rejected
 */
public record DecoderOptions(SeekMode seekMode, HardwareDecoding hardware, int threads, Duration maxDecodeTime,
        long maxPixels, int maxFrames) {

    public DecoderOptions {
        Objects.requireNonNull(seekMode, "seekMode");
        Objects.requireNonNull(hardware, "hardware");
        Objects.requireNonNull(maxDecodeTime, "maxDecodeTime");
        if (threads < 0 || maxPixels < 1 || maxFrames < 1 || maxDecodeTime.isNegative() || maxDecodeTime.isZero()) {
            throw new IllegalArgumentException("invalid decoder options");
        }
    }

    public static DecoderOptions defaults() {
        return new DecoderOptions(SeekMode.AUTO, HardwareDecoding.NONE, 0, Duration.ofSeconds(120),
                DEFAULT_MAX_PIXELS, 200_000);
    }

    /**
     * 12 megapixels: a 4000x3000 camera, 4K UHD (3840x2160) and everything smaller. One such frame is 36 MB as
     * BGR, which the worst-case memory statement in the operations guide counts.
     */
    public static final long DEFAULT_MAX_PIXELS = 12_000_000L;

    public DecoderOptions withMaxPixels(long pixels) {
        return new DecoderOptions(seekMode, hardware, threads, maxDecodeTime, pixels, maxFrames);
    }

    public DecoderOptions withSeekMode(SeekMode mode) {
        return new DecoderOptions(mode, hardware, threads, maxDecodeTime, maxPixels, maxFrames);
    }

    public DecoderOptions withHardware(HardwareDecoding hw) {
        return new DecoderOptions(seekMode, hw, threads, maxDecodeTime, maxPixels, maxFrames);
    }

    public DecoderOptions withThreads(int decoderThreads) {
        return new DecoderOptions(seekMode, hardware, decoderThreads, maxDecodeTime, maxPixels, maxFrames);
    }

    public DecoderOptions withMaxDecodeTime(Duration d) {
        return new DecoderOptions(seekMode, hardware, threads, d, maxPixels, maxFrames);
    }
}
