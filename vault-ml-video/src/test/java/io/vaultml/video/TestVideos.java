package io.vaultml.video;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Recordings made at test time with the {@code ffmpeg} program (Debian's package: libx264 and libx265), so tests
 * can cover sizes and codecs the shared recordings do not have. Tests that need it skip with a message where the
 * program is missing; {@code VAULT_ML_REQUIRE_FFMPEG=true} (CI sets it) makes that a failure.
 */
final class TestVideos {
    private TestVideos() {
    }

    /** The ffmpeg program: {@code $FFMPEG}, else the first {@code ffmpeg} on the PATH. */
    static Optional<Path> program() {
        String explicit = System.getenv("FFMPEG");
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "ffmpeg");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path requireProgram() {
        Optional<Path> ffmpeg = program();
        if (ffmpeg.isEmpty() && Boolean.parseBoolean(System.getenv("VAULT_ML_REQUIRE_FFMPEG"))) {
            Assertions.fail("the ffmpeg program is required (VAULT_ML_REQUIRE_FFMPEG=true) but none is on the PATH");
        }
        Assumptions.assumeTrue(ffmpeg.isPresent(),
                "SKIPPED: no ffmpeg program on the PATH (Debian: apt-get install ffmpeg) to make test recordings");
        return ffmpeg.get();
    }

    /**
     * A short MP4 of FFmpeg's test pattern.
     *
     * @param encoder {@code libx264} or {@code libx265}
     */
    static Path testPattern(Path dir, String encoder, int width, int height, int frames) throws IOException {
        Path out = dir.resolve(encoder + "-" + width + "x" + height + ".mp4");
        List<String> args = new ArrayList<>(List.of(requireProgram().toString(), "-hide_banner", "-loglevel", "error",
                "-y", "-f", "lavfi", "-i", "testsrc=size=" + width + "x" + height + ":rate=10", "-frames:v",
                String.valueOf(frames), "-c:v", encoder, "-preset", "ultrafast", "-pix_fmt", "yuv420p"));
        if (encoder.equals("libx265")) {
            args.addAll(List.of("-x265-params", "log-level=error", "-tag:v", "hvc1"));
        }
        args.add(out.toString());
        run(args);
        return out;
    }

    /**
     * The MP4 that declares 320x240 and switches to 7680x4320 in band after ten frames, made by
     * {@code scripts/make-hostile-media.sh} into {@code dir}.
     */
    static Path inBand8k(Path dir) throws IOException {
        requireProgram();
        run(List.of("bash", Path.of("..", "scripts", "make-hostile-media.sh").toString(), dir.toString()));
        return dir.resolve("in-band-8k.mp4");
    }

    static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes()); // until it exits: -loglevel error keeps it short
        try {
            p.waitFor(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit " + p.exitValue() + " from " + command + ": " + output);
        }
    }
}
