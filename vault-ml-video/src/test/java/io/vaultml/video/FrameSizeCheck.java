package io.vaultml.video;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import io.vaultml.api.Media;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * Run in a child JVM by {@link FrameSizesTest}, under glibc's malloc checker where it exists: converts a frame of
 * every size given and decodes every recording given, printing one {@code OK} line each. A native write past a
 * buffer aborts this process (instead of corrupting the test JVM's heap), which the parent sees as a failure.
 *
 * <p>Arguments: {@code size:WxH} for a synthetic YUV 4:2:0 frame, {@code file:PATH:WxH} for a recording.
 */
public final class FrameSizeCheck {
    public static void main(String[] args) throws Exception {
        FfmpegDecoder decoder = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(SeekMode.EXACT));
        for (String arg : args) {
            String[] parts = arg.split(":");
            String[] size = parts[parts.length - 1].split("x");
            int w = Integer.parseInt(size[0]);
            int h = Integer.parseInt(size[1]);
            if (parts[0].equals("size")) {
                convert(w, h);
            } else {
                Path file = Path.of(parts[1]);
                int[] frames = {0};
                decoder.decode(Media.of(file.getFileName().toString(), Files.readAllBytes(file)), Sampling.count(3),
                        f -> {
                            if (f.width() != w || f.height() != h || f.pixels().remaining() != w * h * 3) {
                                throw new IllegalStateException(file + ": frame " + f);
                            }
                            frames[0]++;
                        });
                if (frames[0] == 0) {
                    throw new IllegalStateException(file + ": no frames");
                }
            }
            System.out.println("OK " + arg);
        }
        System.gc(); // frees what is still referenced only by Java objects, where the checker looks again
    }

    private static void convert(int w, int h) {
        AVFrame frame = av_frame_alloc();
        try (BgrConverter converter = new BgrConverter()) {
            frame.width(w);
            frame.height(h);
            frame.format(AV_PIX_FMT_YUV420P);
            if (av_frame_get_buffer(frame, 0) < 0) {
                throw new IllegalStateException("no buffer for " + w + "x" + h);
            }
            for (int plane = 0; plane < 3; plane++) {
                int rows = plane == 0 ? h : (h + 1) / 2;
                ByteBuffer data = frame.data(plane).capacity((long) frame.linesize(plane) * rows).asBuffer();
                while (data.hasRemaining()) {
                    data.put((byte) (plane == 0 ? 81 : plane == 1 ? 90 : 240)); // pure red in BT.601
                }
            }
            ByteBuffer bgr = converter.convert(frame);
            if (bgr.remaining() != w * h * 3) {
                throw new IllegalStateException(w + "x" + h + ": " + bgr.remaining() + " bytes");
            }
        } finally {
            av_frame_free(frame);
        }
    }
}
