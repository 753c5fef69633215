package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_FLAG_BACKWARD;
import static org.bytedeco.ffmpeg.global.avformat.av_find_best_stream;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_seek_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;
import io.vaultml.api.Frame;
import io.vaultml.api.Media;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.VideoInfo;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The FFmpeg state of one decode ({@link FfmpegDecoder#decode}): the container, the codec, the frame and packet,
 * the BGR converter; every field is freed in {@link #close()}. Used by one thread.
 */
final class DecodeSession implements AutoCloseable {
    private static final int IO_BUFFER = 64 * 1024;
    private static final int MAX_CONSECUTIVE_ERRORS = 32;
    final Media media;
    final DecoderOptions options;
    final long startNanos = System.nanoTime();
    final MemoryInput input;
    AVIOContext avio;
    AVFormatContext format;
    AVCodecContext codec;
    AVPacket packet;
    AVFrame frame;
    final BgrConverter bgr = new BgrConverter();
    int streamIndex;
    double timeBase;
    String decoderName;
    String problem = "";
    int decodedFrames;
    int framesDelivered;
    long consumerNanos;

    DecodeSession(Media media, DecoderOptions options) {
        this.media = media;
        this.options = options;
        this.input = new MemoryInput(media.data());
    }

    DecodeReport run(Sampling sampling, FrameConsumer consumer) {
        open();
        AVStream stream = format.streams(streamIndex);
        AVCodecParameters par = stream.codecpar();
        int width = par.width();
        int height = par.height();
        if (width <= 0 || height <= 0) {
            throw reject("has a video stream without a frame size");
        }
        if ((long) width * height > options.maxPixels()) {
            throw tooLarge("frames are " + width + "x" + height);
        }
        timeBase = av_q2d(stream.time_base());
        PacketIndex index;
        try (InBandSize announced = new InBandSize(par)) {
            index = scanPackets(announced, width + "x" + height);
        }
        if (index.pts().length == 0) {
            throw reject("has no readable video packets" + (problem.isEmpty() ? "" : ": " + problem));
        }
        double fps = index.frameRate(av_q2d(stream.avg_frame_rate()), av_q2d(stream.r_frame_rate()), timeBase);
        long durationMicros = format.duration() > 0 ? format.duration() : index.durationMicros(timeBase);
        FramePlanner.Plan plan = FramePlanner.plan(index, timeBase, sampling, options.seekMode());
        openDecoder(par, plan.keyframesOnly());
        VideoInfo info = new VideoInfo(width, height, fps, index.pts().length, durationMicros, decoderName);
        try {
            if (plan.keyframesOnly()) {
                decodeKeyframes(index, plan.targets(), consumer);
            } else {
                decodeTargets(index, plan.targets(), consumer);
            }
        } catch (StopDecoding stop) {
            // too many errors in a row: the frames delivered so far stand, the problem is reported
        }
        int delivered = framesDelivered;
        if (delivered == 0) {
            throw reject("has no decodable video frames" + (problem.isEmpty() ? "" : ": " + problem));
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        return new DecodeReport(info, delivered, decodedFrames, !problem.isEmpty(), problem, elapsed);
    }

    void open() {
        BytePointer buffer = new BytePointer(av_malloc(IO_BUFFER));
        avio = avio_alloc_context(buffer, IO_BUFFER, 0, input.opaque(), MemoryInput.READER, null,
                MemoryInput.SEEKER);
        if (avio == null || avio.isNull()) {
            av_free(buffer);
            throw new OutOfMemoryError("FFmpeg could not allocate an I/O context");
        }
        format = avformat_alloc_context();
        format.pb(avio);
        int ret = avformat_open_input(format, (String) null, null, (AVDictionary) null);
        if (ret < 0) {
            format = null; // avformat_open_input frees a user-supplied context on failure
            throw reject("is not a readable video: " + FfmpegDecoder.error(ret));
        }
        ret = avformat_find_stream_info(format, (PointerPointer<?>) null);
        if (ret < 0) {
            throw reject("has no readable stream information: " + FfmpegDecoder.error(ret));
        }
        streamIndex = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, (PointerPointer<?>) null, 0);
        if (streamIndex < 0) {
            throw reject("has no video stream");
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    /**
     * Pass one: every video packet's timestamp and key flag, without decoding; a packet whose stream announces
     * a larger frame than allowed (a size switch in band) rejects the recording before anything is decoded.
     */
    PacketIndex scanPackets(InBandSize announced, String declaredSize) {
        List<long[]> packets = new ArrayList<>();
        while (true) {
            checkDeadline();
            int ret = av_read_frame(format, packet);
            if (ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                problem = "the file ends early or is damaged after " + packets.size() + " frames (" + FfmpegDecoder.error(ret) + ")";
                break;
            }
            if (packet.stream_index() == streamIndex) {
                if (announced.pixels(packet) > options.maxPixels()) {
                    av_packet_unref(packet);
                    throw tooLarge("switches to " + announced.size() + " frames after " + packets.size()
                            + " frames (its container declares " + declaredSize + ")");
                }
                // The demuxer marks a packet whose bytes run past the end of the file.
                if ((packet.flags() & AV_PKT_FLAG_CORRUPT) != 0 && problem.isEmpty()) {
                    problem = "the file ends early or is damaged: frame " + packets.size() + " is incomplete";
                }
                long ts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
                if (ts != AV_NOPTS_VALUE) {
                    packets.add(new long[] {ts, (packet.flags() & AV_PKT_FLAG_KEY) != 0 ? 1 : 0});
                }
                if (packets.size() > options.maxFrames()) {
                    av_packet_unref(packet);
                    throw reject("has more than " + options.maxFrames() + " frames");
                }
            }
            av_packet_unref(packet);
        }
        long declared = format.streams(streamIndex).nb_frames();
        if (declared > packets.size() && problem.isEmpty()) {
            problem = "the file ends early: " + packets.size() + " of the " + declared + " frames its index lists";
        }
        return PacketIndex.of(packets);
    }

    void openDecoder(AVCodecParameters par, boolean keyframesOnly) {
        DecoderSelection.Opened opened = DecoderSelection.open(par, options, keyframesOnly, media.key(),
                this::reject);
        codec = opened.context();
        decoderName = opened.name();
    }

    void decodeTargets(PacketIndex index, int[] targets, FrameConsumer consumer) {
        long lastDecodedPts = Long.MIN_VALUE;
        boolean draining = false;
        int next = 0;
        int consideredSeekFor = -1;
        while (next < targets.length) {
            checkDeadline();
            long target = index.pts()[targets[next]];
            if (consideredSeekFor != next && !draining) {
                consideredSeekFor = next;
                long key = index.keyAtOrBefore(target);
                // Seeking skips every frame between where we are and the keyframe before the target;
                // when that keyframe is behind us, decoding on is cheaper.
                if ((lastDecodedPts == Long.MIN_VALUE || key > lastDecodedPts)
                        && av_seek_frame(format, streamIndex, key, AVSEEK_FLAG_BACKWARD) >= 0) {
                    avcodec_flush_buffers(codec);
                }
            }
            // Decode forward until a frame at or past the target comes out.
            int ret = avcodec_receive_frame(codec, frame);
            if (ret == AVERROR_EAGAIN()) {
                if (draining) {
                    break;
                }
                ret = av_read_frame(format, packet);
                if (ret < 0) {
                    if (ret != AVERROR_EOF && problem.isEmpty()) {
                        problem = "the file ends early or is damaged (" + FfmpegDecoder.error(ret) + ")";
                    }
                    avcodec_send_packet(codec, null); // flush the frames still inside the decoder
                    draining = true;
                    continue;
                }
                if (packet.stream_index() == streamIndex) {
                    int sent = avcodec_send_packet(codec, packet);
                    if (sent < 0 && sent != AVERROR_EAGAIN()) {
                        noteError(sent);
                    }
                }
                av_packet_unref(packet);
                continue;
            }
            if (ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                noteError(ret);
                continue;
            }
            decodedFrames++;
            consecutiveErrors = 0;
            long pts = frame.best_effort_timestamp() != AV_NOPTS_VALUE ? frame.best_effort_timestamp() : frame.pts();
            lastDecodedPts = pts;
            if (pts < target) {
                continue;
            }
            // Deliver for every target this frame reaches (a missing frame is replaced by the next one).
            int position = index.positionOf(pts, targets[next]);
            deliver(frame, position, pts - index.pts()[0], consumer);
            framesDelivered++;
            while (next < targets.length && index.pts()[targets[next]] <= pts) {
                next++;
            }
        }
    }

    /**
     * Keyframe mode: every target is a keyframe, decoded alone. After its packet the decoder is drained at
     * once; waiting for more input instead would make it decode the following keyframes too (its reordering
     * and threading delay), each as costly as the one wanted, only to throw them away at the next seek.
     */
    void decodeKeyframes(PacketIndex index, int[] targets, FrameConsumer consumer) {
        for (int next = 0; next < targets.length; ) {
            checkDeadline();
            long target = index.pts()[targets[next]];
            if (av_seek_frame(format, streamIndex, target, AVSEEK_FLAG_BACKWARD) < 0) {
                if (problem.isEmpty()) {
                    problem = "cannot seek to the keyframe at frame " + targets[next];
                }
                return;
            }
            avcodec_flush_buffers(codec);
            if (!sendKeyframeAtOrAfter(target)) {
                return; // the file ends before it: the problem is noted
            }
            avcodec_send_packet(codec, null);
            boolean delivered = false;
            int ret;
            while ((ret = avcodec_receive_frame(codec, frame)) >= 0) {
                decodedFrames++;
                consecutiveErrors = 0;
                long pts = frame.best_effort_timestamp() != AV_NOPTS_VALUE ? frame.best_effort_timestamp()
                        : frame.pts();
                if (!delivered && pts >= target) {
                    deliver(frame, index.positionOf(pts, targets[next]), pts - index.pts()[0], consumer);
                    framesDelivered++;
                    delivered = true;
                    while (next < targets.length && index.pts()[targets[next]] <= pts) {
                        next++;
                    }
                }
            }
            if (ret != AVERROR_EOF) {
                noteError(ret);
            }
            if (!delivered) {
                next++; // an undecodable keyframe: go on with the next target
            }
        }
    }

    /** Reads up to the first keyframe packet at or after {@code target} and sends it; false at the end. */
    private boolean sendKeyframeAtOrAfter(long target) {
        while (true) {
            int ret = av_read_frame(format, packet);
            if (ret < 0) {
                if (ret != AVERROR_EOF && problem.isEmpty()) {
                    problem = "the file ends early or is damaged (" + FfmpegDecoder.error(ret) + ")";
                }
                return false;
            }
            try {
                long pts = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
                if (packet.stream_index() == streamIndex && (packet.flags() & AV_PKT_FLAG_KEY) != 0
                        && pts >= target) {
                    int sent = avcodec_send_packet(codec, packet);
                    if (sent < 0) {
                        noteError(sent);
                    }
                    return true;
                }
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    private int consecutiveErrors;

    void noteError(int ret) {
        if (problem.isEmpty()) {
            problem = "undecodable data after " + decodedFrames + " frames (" + FfmpegDecoder.error(ret) + ")";
        }
        if (++consecutiveErrors > MAX_CONSECUTIVE_ERRORS) {
            throw new StopDecoding();
        }
    }

    void deliver(AVFrame decoded, int position, long relativePts, FrameConsumer consumer) {
        if ((long) decoded.width() * decoded.height() > options.maxPixels()) {
            throw tooLarge("has a " + decoded.width() + "x" + decoded.height() + " frame at frame " + position);
        }
        ByteBuffer pixels = bgr.convert(decoded);
        long micros = Math.round(relativePts * timeBase * 1_000_000);
        long before = System.nanoTime();
        try {
            consumer.accept(new Frame(position, Math.max(0, micros), decoded.width(), decoded.height(), pixels));
        } finally {
            consumerNanos += System.nanoTime() - before; // the deadline bounds decoding, not the consumer
        }
    }

    void checkDeadline() {
        if (System.nanoTime() - startNanos - consumerNanos > options.maxDecodeTime().toNanos()) {
            throw reject("took longer than " + options.maxDecodeTime().toSeconds() + " s to decode");
        }
    }

    UnprocessableInputException tooLarge(String what) {
        return reject(what + ", larger than the allowed " + options.maxPixels() + " pixels (MAX_FRAME_PIXELS)");
    }

    UnprocessableInputException reject(String why) {
        return new UnprocessableInputException(FfmpegDecoder.STAGE, "Recording " + media.key() + " " + why);
    }

    @Override
    public void close() {
        if (frame != null) {
            av_frame_free(frame);
        }
        if (packet != null) {
            av_packet_free(packet);
        }
        if (codec != null) {
            avcodec_free_context(codec);
        }
        if (format != null) {
            avformat_close_input(format);
        }
        if (avio != null) {
            // With custom I/O the buffer is ours to free (FFmpeg may have replaced the one we gave it).
            av_free(avio.buffer());
            avio_context_free(avio);
        }
        bgr.close();
        input.release();
    }
}
