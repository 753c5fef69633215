package io.vaultml.vision.onnx;

import static org.bytedeco.ffmpeg.global.avformat.AVSEEK_SIZE;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.nio.ByteBuffer;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * FFmpeg custom I/O over bytes already in memory, so a downloaded recording is demuxed without a temporary
 * file. The callback objects must stay reachable as long as the format context uses them; the decoder keeps
 * this object in a local for the whole decode.
 */
final class MemoryInput {
    private static final int AVSEEK_FORCE = 0x20000;

    private final ByteBuffer data;
    final Read_packet_Pointer_BytePointer_int reader;
    final Seek_Pointer_long_int seeker;

    MemoryInput(ByteBuffer data) {
        this.data = data.duplicate().rewind();
        this.reader = new Read_packet_Pointer_BytePointer_int() {
            @Override
            public int call(Pointer opaque, BytePointer buf, int size) {
                int n = Math.min(size, MemoryInput.this.data.remaining());
                if (n <= 0) {
                    return AVERROR_EOF;
                }
                ByteBuffer slice = MemoryInput.this.data.slice(MemoryInput.this.data.position(), n);
                buf.position(0).limit(n).asBuffer().put(slice);
                MemoryInput.this.data.position(MemoryInput.this.data.position() + n);
                return n;
            }
        };
        this.seeker = new Seek_Pointer_long_int() {
            @Override
            public long call(Pointer opaque, long offset, int whence) {
                ByteBuffer d = MemoryInput.this.data;
                if ((whence & AVSEEK_SIZE) != 0) {
                    return d.capacity();
                }
                long target = switch (whence & ~AVSEEK_FORCE) {
                    case 0 -> offset; // SEEK_SET
                    case 1 -> d.position() + offset; // SEEK_CUR
                    case 2 -> d.capacity() + offset; // SEEK_END
                    default -> -1;
                };
                if (target < 0 || target > d.capacity()) {
                    return -1;
                }
                d.position((int) target);
                return target;
            }
        };
    }

    void release() {
        reader.close();
        seeker.close();
    }
}
