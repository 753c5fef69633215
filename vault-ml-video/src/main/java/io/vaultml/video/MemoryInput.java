package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * FFmpeg custom I/O over bytes already in memory, so a downloaded recording is demuxed without a temporary file.
 *
 * <p>There is one read and one seek callback for the whole process, created once when this class loads, and each
 * decode is told apart by FFmpeg's {@code opaque} pointer. JavaCPP gives every callback object one of a small,
 * fixed number of native slots ({@code @Allocator(max = 10)}) and picks the free slot without a lock: callback
 * objects created on several threads at once could share a slot, so one decode read another's bytes, failed on
 * data that was fine, or called into a released callback and aborted the JVM; more than ten concurrent decodes
 * would have found no slot at all. A single pair of callbacks has neither problem.
 *
 * <p>The callbacks never throw: a Java exception inside an FFmpeg callback terminates the process.
 */
final class MemoryInput {
    private static final int AVSEEK_FORCE = 0x20000;
    private static final int EIO = -5; // AVERROR(EIO)
    private static final ConcurrentHashMap<Long, ByteBuffer> OPEN = new ConcurrentHashMap<>();

    static final Read_packet_Pointer_BytePointer_int READER = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            try {
                ByteBuffer data = OPEN.get(opaque.address());
                if (data == null) {
                    return EIO;
                }
                int n = Math.min(size, data.remaining());
                if (n <= 0) {
                    return AVERROR_EOF;
                }
                buf.position(0).limit(n).asBuffer().put(data.slice(data.position(), n));
                data.position(data.position() + n);
                return n;
            } catch (Throwable t) {
                return EIO;
            }
        }
    };

    static final Seek_Pointer_long_int SEEKER = new Seek_Pointer_long_int() {
        @Override
        public long call(Pointer opaque, long offset, int whence) {
            try {
                ByteBuffer d = OPEN.get(opaque.address());
                if (d == null) {
                    return EIO;
                }
                if ((whence & AVSEEK_SIZE) != 0) {
                    return d.limit();
                }
                long target = switch (whence & ~AVSEEK_FORCE) {
                    case 0 -> offset; // SEEK_SET
                    case 1 -> d.position() + offset; // SEEK_CUR
                    case 2 -> d.limit() + offset; // SEEK_END
                    default -> -1;
                };
                if (target < 0 || target > d.limit()) {
                    return -1;
                }
                d.position((int) target);
                return target;
            } catch (Throwable t) {
                return EIO;
            }
        }
    };

    /** A native address unique while this input is open: the key FFmpeg hands back to the callbacks. */
    private final LongPointer key = new LongPointer(1);

    MemoryInput(ByteBuffer data) {
        OPEN.put(key.address(), data.duplicate().rewind());
    }

    /** What to pass as {@code opaque} to {@code avio_alloc_context}. */
    Pointer opaque() {
        return key;
    }

    /** Forgets the bytes; call after the I/O context is freed. */
    void release() {
        OPEN.remove(key.address());
        key.close();
    }

    /** Inputs open now, for tests. */
    static int openCount() {
        return OPEN.size();
    }
}
