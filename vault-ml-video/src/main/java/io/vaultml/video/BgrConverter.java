package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded frames, whatever their pixel format, to packed BGR (what the detectors take) in one native
 * buffer reused for every frame of a recording. Not thread-safe; {@link #close} frees everything.
 *
 * <p><b>Why the buffer is larger than the frame.</b> swscale's SIMD writers of packed 24-bit pixels store whole
 * vectors of pixels, so a row whose width is not a multiple of the vector's is written a little past its end
 * (measured with FFmpeg 8.1 on x86-64: 24 bytes for 1000 or 1080 wide frames, 18 for 810, 6 for 350 or 1278;
 * nothing for multiples of 16). On every row but the last that spill lands on the next row, which is then written
 * properly; on the last row it lands past the end of a buffer of exactly {@code width * height * 3} bytes and
 * corrupts the native heap (glibc aborts the JVM later, at some unrelated free). The buffer therefore has
 * {@link #slack} bytes more than the pixels: a whole row and the widest vector, which covers every SIMD path.
 * The pixels handed out stay tightly packed, {@code width * 3} bytes a row.
 */
final class BgrConverter implements AutoCloseable {
    private SwsContext sws;
    private BytePointer bgr;
    private final PointerPointer<BytePointer> dstData = new PointerPointer<>(4);
    private final IntPointer dstLinesize = new IntPointer(4);

    /** The frame's pixels as BGR, valid until the next call or {@link #close}. */
    ByteBuffer convert(AVFrame decoded) {
        int w = decoded.width();
        int h = decoded.height();
        long bytes = (long) w * h * 3;
        long capacity = bytes + slack(w);
        if (bgr == null || bgr.capacity() != capacity) {
            if (bgr != null) {
                bgr.close();
            }
            bgr = new BytePointer(capacity);
        }
        sws = sws_getCachedContext(sws, w, h, decoded.format(), w, h, AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null,
                (DoublePointer) null);
        dstData.put(0, bgr);
        dstLinesize.put(0, w * 3);
        sws_scale(sws, decoded.data(), decoded.linesize(), 0, h, dstData, dstLinesize);
        return bgr.position(0).limit(bytes).asBuffer();
    }

    /** Room past the pixels for swscale's vector-wide stores: one row more and 64 pixels (an AVX-512 vector). */
    static long slack(int width) {
        return (long) width * 3 + 64 * 3;
    }

    /** The native buffer, pixels and slack, for tests that look at what a conversion wrote; null before the first. */
    BytePointer buffer() {
        return bgr;
    }

    @Override
    public void close() {
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        if (bgr != null) {
            bgr.close();
            bgr = null;
        }
        dstData.close();
        dstLinesize.close();
    }
}
