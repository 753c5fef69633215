package io.vaultml.bench;

import io.vaultml.api.Media;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.video.DecodeReport;
import io.vaultml.video.DecoderOptions;
import io.vaultml.video.FfmpegDecoder;
import io.vaultml.video.HardwareDecoding;
import io.vaultml.video.Sampling;
import io.vaultml.video.SeekMode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoding throughput on this machine with the CPU decoder and with NVDEC ({@code HW_DECODING=cuda}), for the
 * self-contained bundle that {@code scripts/nvdec-bundle.sh} builds: it needs FFmpeg's natives and the NVIDIA
 * driver, no JDK, no model, no network. Each half decodes every frame of the given recordings, converted to BGR as
 * the worker's detector receives them, on {@code --threads} threads for {@code --seconds}, and prints frames per
 * second and the decoders that actually ran. Without a usable GPU the NVDEC half says why and is skipped.
 *
 * <p>Exit status: 0 when the CPU half ran (and the GPU half ran on NVDEC or was skipped), 1 when a half failed
 * or, with {@code --require-gpu}, when NVDEC was not used, 2 for bad arguments.
 */
public final class NvdecSelfTest {
    private NvdecSelfTest() {
    }

    /** One half's figures. */
    record Throughput(String mode, int threads, long recordings, long frames, double seconds, Set<String> decoders) {
        double framesPerSecond() {
            return frames / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        double seconds = 10;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean cpuOnly = false;
        boolean requireGpu = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--cpu-only" -> cpuOnly = true;
                case "--require-gpu" -> requireGpu = true;
                default -> files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty() || threads < 1 || !(seconds > 0)) {
            out.println("usage: NvdecSelfTest [--seconds S] [--threads T] [--cpu-only] [--require-gpu] FILE.mp4...");
            return 2;
        }
        List<Media> media = new ArrayList<>();
        for (Path f : files) {
            media.add(Media.of(f.getFileName().toString(), Files.readAllBytes(f)));
        }
        out.printf(Locale.ROOT, "NVDEC self-test: %d recording(s), %d thread(s), %.0f s per half, %s %s%n",
                media.size(), threads, seconds, System.getProperty("java.vm.name"), System.getProperty("java.version"));
        Throughput cpu = measure("cpu", HardwareDecoding.NONE, media, threads, seconds);
        print(cpu, out);
        if (cpuOnly) {
            out.println("gpu: skipped (--cpu-only)");
            return 0;
        }
        String unavailable = nvdecUnavailable(media.get(0));
        if (unavailable != null) {
            out.println("gpu: skipped, NVDEC is not usable here: " + unavailable);
            return requireGpu ? 1 : 0;
        }
        Throughput gpu = measure("gpu", HardwareDecoding.CUDA, media, threads, seconds);
        print(gpu, out);
        boolean used = gpu.decoders().stream().allMatch(d -> d.endsWith("_cuvid"));
        out.printf(Locale.ROOT, "NVDEC used: %s; gpu/cpu %.2f x%n", used ? "yes" : "NO", gpu.framesPerSecond()
                / cpu.framesPerSecond());
        return used || !requireGpu ? 0 : 1;
    }

    /** Why NVDEC cannot decode here, or null when it can. */
    static String nvdecUnavailable(Media sample) {
        FfmpegDecoder gpu = new FfmpegDecoder(DecoderOptions.defaults().withHardware(HardwareDecoding.CUDA));
        try {
            gpu.decode(sample, Sampling.count(1), frame -> { });
            return null;
        } catch (UnprocessableInputException e) {
            return e.getMessage();
        }
    }

    /** Every frame of the recordings, round after round on every thread, until the time is up. */
    static Throughput measure(String mode, HardwareDecoding hardware, List<Media> media, int threads, double seconds)
            throws InterruptedException {
        FfmpegDecoder decoder = new FfmpegDecoder(DecoderOptions.defaults().withHardware(hardware)
                .withSeekMode(SeekMode.EXACT));
        Sampling everyFrame = Sampling.rate(240, 1_000_000);
        decoder.decode(media.get(0), Sampling.count(1), frame -> { }); // load and warm up outside the clock
        AtomicLong frames = new AtomicLong();
        AtomicLong recordings = new AtomicLong();
        Set<String> decoders = java.util.Collections.synchronizedSet(new TreeSet<>());
        long deadline = System.nanoTime() + Duration.ofMillis((long) (seconds * 1000)).toNanos();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            done.add(pool.submit(() -> {
                for (int i = offset; System.nanoTime() < deadline; i++) {
                    DecodeReport report = decoder.decode(media.get(i % media.size()), everyFrame, frame -> { });
                    frames.addAndGet(report.framesDelivered());
                    recordings.incrementAndGet();
                    decoders.add(report.video().codec());
                }
                return null;
            }));
        }
        try {
            for (Future<?> f : done) {
                f.get();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(mode + " decoding failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Throughput(mode, threads, recordings.get(), frames.get(), wall, Set.copyOf(decoders));
    }

    private static void print(Throughput t, PrintStream out) {
        out.printf(Locale.ROOT, "%s: %d recordings, %d frames in %.1f s on %d threads: %.0f frames/s (decoders %s)%n",
                t.mode(), t.recordings(), t.frames(), t.seconds(), t.threads(), t.framesPerSecond(),
                String.join(", ", new TreeSet<>(t.decoders())));
    }
}
