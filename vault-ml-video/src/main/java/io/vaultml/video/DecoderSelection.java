package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avcodec.AVDISCARD_NONKEY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;

import io.vaultml.api.UnprocessableInputException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the decoder for a stream: NVDEC ({@code <codec>_cuvid}) when {@link HardwareDecoding} asks for it and it
 * opens, else FFmpeg's software decoder. {@code HW_DECODING=cuda} without a working NVDEC decoder is the
 * recording's error; {@code auto} falls back to the CPU with one warning per process.
 */
final class DecoderSelection {
    private static final Logger log = LoggerFactory.getLogger(DecoderSelection.class);
    private static final AtomicBoolean hardwareWarned = new AtomicBoolean();

    /** An opened decoder context (the caller frees it) and the decoder's name. */
    record Opened(AVCodecContext context, String name) {
    }

    private DecoderSelection() {
    }

    /**
     * @param keyframesOnly the decode will send keyframes only, one at a time
     * @param reject makes the recording's error from a reason ("could not be opened by ...")
     */
    static Opened open(AVCodecParameters par, DecoderOptions options, boolean keyframesOnly, String recordingKey,
            Function<String, UnprocessableInputException> reject) {
        if (options.hardware() != HardwareDecoding.NONE) {
            Opened hw = openHardware(par, options, keyframesOnly, recordingKey, reject);
            if (hw != null) {
                return hw;
            }
        }
        AVCodec software = avcodec_find_decoder(par.codec_id());
        if (software == null || software.isNull()) {
            throw reject.apply("uses a codec this build cannot decode (codec id " + par.codec_id() + ")");
        }
        AVCodecContext ctx = newContext(software, par, options, keyframesOnly, reject);
        int ret = avcodec_open2(ctx, software, (AVDictionary) null);
        if (ret < 0) {
            avcodec_free_context(ctx);
            throw reject.apply("could not be opened by the " + software.name().getString() + " decoder: "
                    + FfmpegDecoder.error(ret));
        }
        return new Opened(ctx, software.name().getString());
    }

    private static Opened openHardware(AVCodecParameters par, DecoderOptions options, boolean keyframesOnly,
            String recordingKey, Function<String, UnprocessableInputException> reject) {
        AVCodec software = avcodec_find_decoder(par.codec_id());
        String name = software == null || software.isNull() ? "" : software.name().getString() + "_cuvid";
        AVCodec hw = name.isEmpty() ? null : avcodec_find_decoder_by_name(name);
        String why;
        if (hw == null || hw.isNull()) {
            why = "no NVDEC decoder for this codec";
        } else {
            AVCodecContext ctx = newContext(hw, par, options, keyframesOnly, reject);
            int ret = avcodec_open2(ctx, hw, (AVDictionary) null);
            if (ret >= 0) {
                return new Opened(ctx, hw.name().getString());
            }
            avcodec_free_context(ctx);
            why = name + " did not open: " + FfmpegDecoder.error(ret);
        }
        if (options.hardware() == HardwareDecoding.CUDA) {
            throw new UnprocessableInputException(FfmpegDecoder.STAGE, "Recording " + recordingKey
                    + " cannot be decoded on the GPU (HW_DECODING=cuda): " + why);
        }
        if (hardwareWarned.compareAndSet(false, true)) {
            log.warn("Hardware decoding unavailable ({}); decoding on the CPU", why);
        }
        return null;
    }

    private static AVCodecContext newContext(AVCodec decoder, AVCodecParameters par, DecoderOptions options,
            boolean keyframesOnly, Function<String, UnprocessableInputException> reject) {
        AVCodecContext ctx = avcodec_alloc_context3(decoder);
        if (avcodec_parameters_to_context(ctx, par) < 0) {
            avcodec_free_context(ctx);
            throw reject.apply("has codec parameters FFmpeg rejects");
        }
        // One keyframe at a time gives frame threads nothing to overlap: they would only add hand-offs.
        ctx.thread_count(keyframesOnly ? 1 : options.threads());
        // The decoder refuses to allocate frames larger than this, whatever the stream announces later.
        ctx.max_pixels(options.maxPixels());
        if (keyframesOnly) {
            ctx.skip_frame(AVDISCARD_NONKEY);
        }
        return ctx;
    }
}
