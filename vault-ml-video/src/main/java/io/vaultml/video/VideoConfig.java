package io.vaultml.video;

import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import io.vaultml.api.config.Validators;
import java.time.Duration;
import java.util.Locale;

/** Settings of decoding and frame sampling, declared once: the original vault-ml names plus the decoder's own. */
public final class VideoConfig {
    private VideoConfig() {
    }

    static final String DECODING = "Decoding and sampling";

    public static final ConfigKey<Integer> NUMBER_OF_PREDICTIONS = ConfigKey.integer("NUMBER_OF_PREDICTIONS")
            .defaultValue(5).validator(Validators.between(1, 10_000)).group(DECODING)
            .doc("The number of frames it will process in a single video, evenly spread (used when "
                    + "CLASSIFICATION_FPS is not set).").build();
    public static final ConfigKey<Double> CLASSIFICATION_FPS = ConfigKey.decimal("CLASSIFICATION_FPS")
            .validator(Validators.between(0.01, 240.0)).group(DECODING)
            .doc("Analyse a frame every 1/CLASSIFICATION_FPS seconds instead (the rate tracking needs), up to "
                    + "MAX_NUMBER_OF_PREDICTIONS frames.").build();
    public static final ConfigKey<Integer> MAX_NUMBER_OF_PREDICTIONS = ConfigKey.integer("MAX_NUMBER_OF_PREDICTIONS")
            .defaultValue(100).validator(Validators.between(1, 100_000)).group(DECODING)
            .doc("Most frames analysed per recording in rate mode.").build();
    public static final ConfigKey<String> SEEK_MODE = ConfigKey.string("SEEK_MODE").defaultValue("auto")
            .validator(Validators.oneOf("auto", "exact", "keyframe")).group(DECODING)
            .doc("auto: NUMBER_OF_PREDICTIONS takes the keyframe nearest each chosen frame when each has one of its "
                    + "own (only keyframes are decoded), exact frames otherwise and with CLASSIFICATION_FPS; exact "
                    + "always decodes precisely the chosen frames; keyframe always snaps to keyframes (up to half a "
                    + "GOP off, merging frames that share one; not for tracking).").build();
    public static final ConfigKey<String> HW_DECODING = ConfigKey.string("HW_DECODING").defaultValue("none")
            .validator(Validators.oneOf("none", "auto", "cuda")).group(DECODING)
            .doc("NVDEC decoding (h264_cuvid/hevc_cuvid): auto falls back to the CPU with a warning.").build();
    public static final ConfigKey<Integer> DECODER_THREADS = ConfigKey.integer("DECODER_THREADS").defaultValue(0)
            .validator(Validators.between(0, 64)).group(DECODING)
            .doc("FFmpeg threads per recording decoding a run of frames (exact seeking); 0 shares the cores among "
                    + "the CONCURRENCY recordings (the worker logs its thread budget at startup). Keyframe-only "
                    + "decodes use one.").build();
    public static final ConfigKey<Duration> MAX_DECODE_TIME = ConfigKey.duration("MAX_DECODE_TIME")
            .defaultValue(Duration.ofSeconds(120)).group(DECODING)
            .doc("A recording that takes longer to decode is rejected to the dead-letter destination.").build();

    public static final ConfigKey<Long> MAX_FRAME_PIXELS = ConfigKey.longKey("MAX_FRAME_PIXELS")
            .defaultValue(DecoderOptions.DEFAULT_MAX_PIXELS).validator(Validators.between(64L * 64, 16_384L * 16_384))
            .group(DECODING)
            .doc("Largest frame (width x height) decoded: a recording whose container, stream headers (a size switch "
                    + "in band) or decoded frames exceed it is dead-lettered (stage decode). Bounds memory per frame "
                    + "(3 bytes a pixel as BGR); the default covers 4000x3000 and 4K UHD.").build();

    /** Keys of decoding and frame sampling. */
    public static final ConfigDef CONFIG = new ConfigDef().define(NUMBER_OF_PREDICTIONS, CLASSIFICATION_FPS,
            MAX_NUMBER_OF_PREDICTIONS, SEEK_MODE, HW_DECODING, DECODER_THREADS, MAX_DECODE_TIME, MAX_FRAME_PIXELS).frozen();

    public static Sampling sampling(Config c) {
        return c.find(CLASSIFICATION_FPS).<Sampling>map(fps -> Sampling.rate(fps, c.get(MAX_NUMBER_OF_PREDICTIONS)))
                .orElseGet(() -> Sampling.count(c.get(NUMBER_OF_PREDICTIONS)));
    }

    public static DecoderOptions decoderOptions(Config c) {
        return DecoderOptions.defaults()
                .withSeekMode(SeekMode.valueOf(c.get(SEEK_MODE).toUpperCase(Locale.ROOT)))
                .withHardware(HardwareDecoding.valueOf(c.get(HW_DECODING).toUpperCase(Locale.ROOT)))
                .withMaxDecodeTime(c.get(MAX_DECODE_TIME))
                .withThreads(c.get(DECODER_THREADS))
                .withMaxPixels(c.get(MAX_FRAME_PIXELS));
    }
}
