package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avcodec.av_parser_close;
import static org.bytedeco.ffmpeg.global.avcodec.av_parser_init;
import static org.bytedeco.ffmpeg.global.avcodec.av_parser_parse2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVCodecParserContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The frame size a stream's own headers announce, packet by packet, read by FFmpeg's parser without decoding.
 *
 * <p>A container declares one frame size, but an H.264 stream may switch to another in band (a new sequence
 * parameter set after some frames): a 114 KB file that says 320x240 can carry 8K frames, and a decoder would
 * allocate them. Checking each packet's announced size before decoding lets such a file be refused as a whole,
 * naming the size. Parsers that cannot tell (FFmpeg's HEVC parser on MP4's length-prefixed packets reports
 * nothing) answer 0; the decoder's own {@code max_pixels} and the check on each decoded frame still bound those.
 */
final class InBandSize implements AutoCloseable {
    /** A parser fed whole packets, as a demuxer returns them. */
    private static final int COMPLETE_FRAMES = 0x0004;

    private final AVCodecParserContext parser;
    private final AVCodecContext context;
    private final BytePointer out = new BytePointer((Pointer) null);
    private final IntPointer outSize = new IntPointer(1);

    InBandSize(AVCodecParameters par) {
        AVCodecParserContext p = av_parser_init(par.codec_id());
        AVCodecContext c = p == null ? null : avcodec_alloc_context3((AVCodec) null);
        if (c != null && avcodec_parameters_to_context(c, par) < 0) {
            avcodec_free_context(c);
            c = null;
        }
        if (p != null && c == null) {
            av_parser_close(p);
            p = null;
        }
        if (p != null) {
            p.flags(p.flags() | COMPLETE_FRAMES);
        }
        this.parser = p;
        this.context = c;
    }

    /** Width x height the stream announces as of this packet, or 0 when the parser cannot tell. */
    long pixels(AVPacket packet) {
        if (parser == null) {
            return 0;
        }
        av_parser_parse2(parser, context, out, outSize, packet.data(), packet.size(), packet.pts(), packet.dts(),
                packet.pos());
        return Math.max(0, (long) parser.width() * parser.height());
    }

    /** "WxH" as announced now. */
    String size() {
        return parser == null ? "?" : parser.width() + "x" + parser.height();
    }

    @Override
    public void close() {
        if (parser != null) {
            av_parser_close(parser);
        }
        if (context != null) {
            avcodec_free_context(context);
        }
        out.close();
        outSize.close();
    }
}
