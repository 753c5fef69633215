package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import io.vaultml.api.Media;
import io.vaultml.api.UnprocessableInputException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the sampled frames of a recording held in memory, with FFmpeg.
 *
 * <p>Two passes: first the container's video packets are read without decoding (cheap) to learn every frame's
 * timestamp and the keyframes, which works for plain, fast-start and fragmented MP4 alike and gives exact frame
 * indices; then each chosen frame is reached by seeking to the keyframe before it (only when that skips work)
 * and decoding forward. Frames are converted to BGR straight into one native buffer that is reused.
 *
 * <p>Bad input never crashes or hangs: empty, random or unopenable data is an {@link UnprocessableInputException}
 * (stage {@code decode}) naming the recording and FFmpeg's reason; a truncated file yields the frames that decode
 * and reports the truncation; decode time and frame size are bounded by {@link DecoderOptions}. Every native
 * object is freed before {@link #decode} returns. Thread-safe: each call has its own FFmpeg state.
 */
public final class FfmpegDecoder {
    static final String STAGE = "decode";
    private static final Logger log = LoggerFactory.getLogger(FfmpegDecoder.class);

    static {
        // Load the FFmpeg libraries and create the process's one pair of I/O callbacks (see MemoryInput) here,
        // once, on the thread that creates the first decoder, not inside decodes running on several threads.
        org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.avutil.class);
        org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.avcodec.class);
        org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.avformat.class);
        org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.swscale.class);
        java.util.Objects.requireNonNull(MemoryInput.READER);
        // FFmpeg prints each corrupt packet to stderr; we report problems ourselves.
        av_log_set_level(AV_LOG_FATAL);
    }

    private final DecoderOptions options;

    public FfmpegDecoder(DecoderOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    public DecoderOptions options() {
        return options;
    }

    /**
     * Decodes the frames {@code sampling} chooses and hands each to {@code consumer}, in frame order.
     *
     * @throws UnprocessableInputException when the recording cannot be decoded at all
     */
    public DecodeReport decode(Media media, Sampling sampling, FrameConsumer consumer) {
        if (media.size() == 0) {
            throw new UnprocessableInputException(STAGE, "Recording " + media.key() + " is empty (0 bytes)");
        }
        try (DecodeSession session = new DecodeSession(media, options)) {
            return session.run(sampling, consumer);
        }
    }


    static String error(int code) {
        byte[] buf = new byte[256];
        av_strerror(code, buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, java.nio.charset.StandardCharsets.UTF_8);
    }
}
