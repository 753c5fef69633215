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
        if (bgr == null || bgr.capacity() != bytes) {
            if (bgr != null) {
                bgr.close();
            }
            bgr = new BytePointer(bytes);
        }
        sws = sws_getCachedContext(sws, w, h, decoded.format(), w, h, AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null,
                (DoublePointer) null);
        dstData.put(0, bgr);
        dstLinesize.put(0, w * 3);
        sws_scale(sws, decoded.data(), decoded.linesize(), 0, h, dstData, dstLinesize);
        return bgr.position(0).limit(bytes).asBuffer();
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
