package io.vaultml.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every frame size converts and decodes without writing past a native buffer. Runs in a child JVM under glibc's
 * malloc checker ({@code MALLOC_CHECK_=3} with {@code libc_malloc_debug.so}, where glibc has it), so an overrun
 * aborts that process at once and fails here, instead of corrupting this JVM's heap silently. Widths and heights
 * are odd multiples of two (the sizes SIMD code rounds), from tiny to 4K, in both orientations.
 */
class FrameSizesTest {
    /** Sizes users reported aborting the JVM (FFmpeg's test pattern, H.264), and 4K both ways. */
    static final List<String> RECORDED = List.of("1000x562", "1002x750", "1080x810", "810x1080", "810x720",
            "350x250", "638x360", "1278x720", "3838x2158", "2158x3838");

    @Test
    void everyFrameSizeConvertsWithoutWritingPastItsBuffer() throws Exception {
        List<String> args = new ArrayList<>();
        for (int k = 1; 2 * (2 * k + 1) <= 4096; k += 5) {
            int w = 2 * (2 * k + 1);
            int h = Math.max(2, (w * 9 / 16) / 2 % 2 == 1 ? w * 9 / 16 / 2 * 2 : (w * 9 / 16 / 2 + 1) * 2);
            args.add("size:" + w + "x" + h);
            args.add("size:" + h + "x" + w);
        }
        List<String> ok = runChecked(args);
        assertEquals(args.size(), ok.size(), "conversions that finished");
    }

    @Test
    void recordingsOfEveryReportedSizeDecodeInH264AndH265(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>();
        for (String encoder : List.of("libx264", "libx265")) {
            for (String size : RECORDED) {
                String[] wh = size.split("x");
                Path file = TestVideos.testPattern(dir, encoder, Integer.parseInt(wh[0]), Integer.parseInt(wh[1]), 3);
                args.add("file:" + file + ":" + size);
            }
        }
        List<String> ok = runChecked(args);
        assertEquals(args.size(), ok.size(), "recordings that decoded");
    }

    /** Runs {@link FrameSizeCheck} in a child JVM under the malloc checker; returns its OK lines. */
    static List<String> runChecked(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), FrameSizeCheck.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        mallocDebugLibrary().ifPresent(lib -> pb.environment().put("LD_PRELOAD", lib.toString()));
        pb.environment().put("MALLOC_CHECK_", "3");
        Process child = pb.start();
        String output = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child JVM did not exit");
        assertEquals(0, child.exitValue(), () -> "the child JVM failed (134 = aborted by the malloc checker):\n"
                + tail(output));
        return output.lines().filter(l -> l.startsWith("OK ")).toList();
    }

    /** glibc 2.34+ moved MALLOC_CHECK_ into a library that must be preloaded. */
    static Optional<Path> mallocDebugLibrary() {
        return Stream.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64")
                .map(d -> Path.of(d, "libc_malloc_debug.so.0")).filter(Files::exists).findFirst();
    }

    private static String tail(String s) {
        return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
    }
}
