package io.vaultml.bench;

import io.vaultml.analysis.SharedDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import io.vaultml.api.Detection;
import io.vaultml.api.Frame;
import io.vaultml.api.Media;
import io.vaultml.video.DecoderOptions;
import io.vaultml.video.FfmpegDecoder;
import io.vaultml.video.Sampling;
import io.vaultml.video.SeekMode;
import io.vaultml.vision.onnx.DominantColors;
import io.vaultml.vision.onnx.InferenceDevice;
import io.vaultml.vision.onnx.OnnxYoloDetector;
import io.vaultml.vision.onnx.Timings;
import io.vaultml.vision.onnx.YoloOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * {@code bench --model M.onnx [--model M2.onnx] [--frames N] [--fps F] [--repeat R] [--batch B] DIR|FILE...}:
 * prints, per model and recording, decode time per sampling mode, preprocessing / inference / postprocessing per
 * frame, the end-to-end time per recording (decode + detect, sequential) and its ratio to inference alone. For
 * models with a dynamic batch dimension and {@code --batch} above 1 it also prints inference per frame when a
 * recording's frames go in one batch. Medians of {@code repeat} runs after one warm-up. A benchmark, not a test: it
 * asserts nothing.
 */
public final class BenchCommand {
    private BenchCommand() {
    }

    /**
     * Runs the worker once with {@code settings} (its environment variables) until its source is exhausted, for
     * {@code --worker}: the worker assembles itself, this module does not know it.
     */
    @FunctionalInterface
    public interface WorkerRun {
        /** @return nanoseconds from the start to ready, and of the run */
        long[] run(java.util.Map<String, String> settings) throws IOException;
    }

    /** The options of {@code bench}; the application adds them as a picocli subcommand. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Measure decoding, preprocessing, inference and end-to-end time per recording (medians), "
                    + "or the worker's arrangement (--pipeline), or memory over many recordings (--soak). Prints "
                    + "figures, asserts nothing.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:failed at run time",
                "2:configuration or usage error (one line per problem)"})
    public static final class Options implements java.util.concurrent.Callable<Integer> {
        private final PrintStream out;
        private final WorkerRun workerRun;

        @Option(names = "--model", paramLabel = "M.onnx", required = true, description = "model to measure; "
                + "repeat for several")
        List<Path> models;
        @Option(names = "--frames", paramLabel = "N", defaultValue = "5", description = "frames per recording "
                + "(default ${DEFAULT-VALUE})")
        int frames;
        @Option(names = "--fps", paramLabel = "F", defaultValue = "2", description = "rate for the rate "
                + "sampling column and --soak (default ${DEFAULT-VALUE})")
        double fps;
        @Option(names = "--repeat", paramLabel = "R", defaultValue = "5", description = "runs per median "
                + "(default ${DEFAULT-VALUE})")
        int repeat;
        @Option(names = "--batch", paramLabel = "B", defaultValue = "0", description = "inference batch size for "
                + "dynamic-batch models (0: the detector's default)")
        int batch;
        @Option(names = "--seek", paramLabel = "MODE", defaultValue = "exact", description = "exact, keyframe or auto")
        SeekMode seek;
        @Option(names = "--colors", description = "also measure dominant colours per object")
        boolean colors;
        @Option(names = "--pipeline", paramLabel = "THREADS", defaultValue = "0", description = "measure THREADS "
                + "decoding threads feeding one inference thread, as the worker runs")
        int pipeline;
        @Option(names = "--soak", paramLabel = "RECORDINGS", defaultValue = "0", description = "process this many "
                + "recordings and print memory every tenth of the run")
        int soak;
        @Option(names = "--worker", paramLabel = "COPIES", defaultValue = "0", description = "the main job: the "
                + "worker itself (LOCAL mode, NUMBER_OF_PREDICTIONS=--frames, its defaults otherwise) over the "
                + "recordings and over COPIES copies of them; per-recording cost by difference (median of --repeat rounds), against the "
                + "inference floor of the same frames, and the time to ready")
        int worker;
        @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "cpu", description = "inference device: "
                + "cpu, cuda or auto (default ${DEFAULT-VALUE})")
        String device;
        @Option(names = "--gpu-table", description = "the GPU table: --pipeline threads (default 4) with batch 1, "
                + "8 and 32, NVDEC off and on; inference-only and end-to-end sampled frames per second (batches "
                + "above 1 need a dynamic-batch model)")
        boolean gpuTable;
        @picocli.CommandLine.Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "recordings, or "
                + "folders of .mp4 recordings")
        List<Path> inputs;

        /** @param workerRun how {@code --worker} runs the worker */
        public Options(PrintStream out, WorkerRun workerRun) {
            this.out = out;
            this.workerRun = workerRun;
        }

        @Override
        public Integer call() throws IOException {
            return BenchCommand.run(this, out);
        }
    }

    static int run(Options o, PrintStream out) throws IOException {
        List<Path> models = o.models;
        List<Path> inputs = o.inputs;
        int frames = o.frames;
        double fps = o.fps;
        int repeat = o.repeat;
        int soak = o.soak;
        int pipeline = o.pipeline;
        int batch = o.batch;
        boolean colors = o.colors;
        SeekMode seek = o.seek;
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".mp4")).sorted().forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        if (files.isEmpty()) {
            out.println("vault-ml bench: no .mp4 recordings in " + inputs);
            return 2;
        }
        if (o.worker > 0) {
            return mainJob(o.workerRun, models.get(0), files, o.worker, frames, o.repeat, out);
        }
        if (soak > 0) {
            return soak(models.get(0), files, soak, fps, seek, out);
        }
        InferenceDevice device = InferenceDevice.parse(o.device);
        if (o.gpuTable) {
            return PipelineBench.gpuTable(models.get(0), files, pipeline > 0 ? pipeline : 4, frames, repeat, device, out);
        }
        if (pipeline > 0) {
            return PipelineBench.pipeline(models.get(0), files, pipeline, frames, repeat, batch, seek, out);
        }
        FfmpegDecoder exact = new FfmpegDecoder(DecoderOptions.defaults());
        FfmpegDecoder keyframes = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(SeekMode.KEYFRAME));
        out.printf(Locale.ROOT, "vault-ml bench: %d cores, java %s, count=%d frames, rate=%.1f fps, median of %d%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), frames, fps, repeat);
        for (Path modelPath : models) {
            try (OnnxYoloDetector detector = OnnxYoloDetector.open(YoloOptions.of(modelPath).withBatchSize(batch))) {
                out.printf(Locale.ROOT, "%nmodel %s on %s, layout %s, batch %d%n", modelPath.getFileName(),
                        detector.info().device(), detector.layout(), detector.preferredBatchSize());
                out.println("recording                                  | decode count | decode keyfr | decode rate"
                        + " | pre ms/f | infer ms/f | batched ms/f | post ms/f | e2e ms (count) | infer-only ms"
                        + " | e2e/infer");
                double sumE2e = 0;
                double sumInfer = 0;
                for (Path file : files) {
                    Media media = Media.of(file.getFileName().toString(), Files.readAllBytes(file));
                    Sampling count = Sampling.count(frames);
                    Sampling rate = Sampling.rate(fps, 1000);
                    double decCount = median(repeat, () -> exact.decode(media, count, f -> { }));
                    double decKey = median(repeat, () -> keyframes.decode(media, count, f -> { }));
                    double decRate = median(repeat, () -> exact.decode(media, rate, f -> { }));
                    // Inference alone, on frames decoded beforehand.
                    List<Frame> decoded = new ArrayList<>();
                    exact.decode(media, count, f -> decoded.add(f.copy()));
                    detector.detectAll(decoded); // warm-up
                    Timings start = detector.timings();
                    double[] inferOnly = new double[repeat];
                    for (int r = 0; r < repeat; r++) {
                        Timings before = detector.timings();
                        decoded.forEach(detector::detect);
                        inferOnly[r] = detector.timings().since(before).inferenceMillisTotal();
                    }
                    Timings steps = detector.timings().since(start);
                    double pre = steps.preprocessMillisPerFrame();
                    double inf = steps.inferenceMillisPerFrame();
                    double post = steps.postprocessMillisPerFrame();
                    String batched = "-";
                    if (detector.preferredBatchSize() > 1) {
                        // All the recording's frames in as few inferences as the batch size allows.
                        double[] perFrame = new double[repeat];
                        for (int r = 0; r < repeat; r++) {
                            Timings before = detector.timings();
                            detector.detectAll(decoded);
                            perFrame[r] = detector.timings().since(before).inferenceMillisTotal() / decoded.size();
                        }
                        batched = String.format(Locale.ROOT, "%.2f", medianOf(perFrame));
                    }
                    double e2e = median(repeat, () -> exact.decode(media, count, detector::detect));
                    double inferMedian = medianOf(inferOnly);
                    sumE2e += e2e;
                    sumInfer += inferMedian;
                    out.printf(Locale.ROOT, "%-42s | %9.1f ms | %9.1f ms | %8.1f ms | %8.2f | %10.2f | %12s | %9.2f | %14.1f | %13.1f | %9.2f%n",
                            shorten(file.getFileName().toString()), decCount, decKey, decRate, pre, inf, batched, post, e2e,
                            inferMedian, e2e / inferMedian);
                    if (colors) {
                        out.println("  " + colorCost(detector, decoded, repeat));
                    }
                }
                out.printf(Locale.ROOT, "mean end-to-end %.1f ms per recording, inference alone %.1f ms, ratio %.2f%n",
                        sumE2e / files.size(), sumInfer / files.size(), sumE2e / sumInfer);
            }
        }
        return 0;
    }

    /**
     * Decodes and detects {@code recordings} recordings in a loop (rate sampling), printing the process's resident
     * memory every tenth of the run: native leaks (frames, contexts, tensors) show as steady growth.
     */
    private static int soak(Path model, List<Path> files, int recordings, double fps, SeekMode seek, PrintStream out)
            throws IOException {
        List<Media> media = new ArrayList<>();
        for (Path f : files) {
            media.add(Media.of(f.getFileName().toString(), Files.readAllBytes(f)));
        }
        FfmpegDecoder decoder = new FfmpegDecoder(DecoderOptions.defaults().withSeekMode(seek));
        out.printf(Locale.ROOT, "soak: %d recordings, %s, %.1f fps sampling, %s seeking, through the worker's "
                + "inference queue%n", recordings, model.getFileName(), fps, seek.name().toLowerCase(Locale.ROOT));
        OnnxYoloDetector detector = OnnxYoloDetector.open(YoloOptions.of(model));
        try (SharedDetector inference = SharedDetector.forConcurrency(detector, 1, nanos -> { })) {
            long start = System.nanoTime();
            long frames = 0;
            for (int i = 1; i <= recordings; i++) {
                List<CompletableFuture<List<Detection>>> detections = new ArrayList<>();
                decoder.decode(media.get(i % media.size()), Sampling.rate(fps, 1000),
                        f -> detections.add(inference.submit(f)));
                detections.forEach(SharedDetector::await);
                frames += detections.size();
                if (i % Math.max(1, recordings / 10) == 0 || i == 1) {
                    out.printf(Locale.ROOT, "after %5d recordings (%6d frames, %5.0f s): RSS %4d MiB, heap used %4d MiB%n",
                            i, frames, (System.nanoTime() - start) / 1e9, rssMiB(),
                            (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
                }
            }
        }
        return 0;
    }

    /**
     * The main job as a user runs it: the worker in LOCAL mode with its defaults and {@code NUMBER_OF_PREDICTIONS},
     * over the recordings once and over {@code copies} copies of them; the difference of the two runs, divided by
     * the extra recordings, is the cost of one recording without start-up. The floor is inference alone on the same
     * frames (decoded beforehand), one at a time, as the worker's CPU default runs them.
     */
    private static int mainJob(WorkerRun worker, Path model, List<Path> files, int copies, int frames, int rounds,
            PrintStream out)
            throws IOException {
        Path work = Files.createTempDirectory("vault-ml-bench-worker");
        try {
            // The first run warms the JVM and the runtimes up (and gives the time to ready). Then rounds of two
            // runs that differ only in the number of recordings; the median difference is robust to a round that
            // another process on the machine slowed down.
            long[] first = runWorker(worker, work.resolve("warm-up"), model, files, 1, frames);
            double[] perRecordingRuns = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long[] once = runWorker(worker, work.resolve("once" + r), model, files, 1, frames);
                long[] many = runWorker(worker, work.resolve("many" + r), model, files, copies, frames);
                perRecordingRuns[r] = (many[1] - once[1]) / 1e6 / ((copies - 1.0) * files.size());
            }
            double perRecording = medianOf(perRecordingRuns);
            FfmpegDecoder decoder = new FfmpegDecoder(DecoderOptions.defaults());
            double floor;
            try (OnnxYoloDetector detector = OnnxYoloDetector.open(YoloOptions.of(model))) {
                List<Frame> decoded = new ArrayList<>();
                for (Path f : files) {
                    decoder.decode(Media.of(f.getFileName().toString(), Files.readAllBytes(f)), Sampling.count(frames),
                            frame -> decoded.add(frame.copy()));
                }
                decoded.forEach(detector::detect); // warm-up
                floor = median(5, () -> decoded.forEach(detector::detect)) / files.size();
            }
            out.printf(Locale.ROOT, "main job (worker, LOCAL, NUMBER_OF_PREDICTIONS=%d, %s, %d cores): %.1f ms per "
                            + "recording (median of %d rounds of %d recordings vs %d: %s), inference floor %.1f ms, "
                            + "ratio %.2f; ready %d ms after the worker was created (first in this JVM; JVM start not "
                            + "included)%n", frames, model.getFileName(), Runtime.getRuntime().availableProcessors(),
                    perRecording, rounds, copies * files.size(), files.size(), java.util.Arrays.stream(
                            perRecordingRuns).mapToObj(v -> String.format(Locale.ROOT, "%.1f", v)).toList(), floor,
                    perRecording / floor, first[0] / 1_000_000);
            return 0;
        } finally {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Runs the worker once over {@code copies} copies of the recordings: nanoseconds to ready and of the run. */
    private static long[] runWorker(WorkerRun worker, Path dir, Path model, List<Path> files, int copies,
            int frames) throws IOException {
        for (int c = 0; c < copies; c++) {
            Path in = Files.createDirectories(dir.resolve("in").resolve("copy" + c));
            for (Path f : files) {
                Files.copy(f, in.resolve(f.getFileName()));
            }
        }
        java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.putAll(java.util.Map.of("WATCH_DIR", dir.resolve("in").toString(), "STATE_DIR",
                dir.resolve("state").toString(), "RESULTS_FILE", dir.resolve("results.jsonl").toString(),
                "RUN_ONCE", "true", "METRICS_PORT", "0", "MODEL_PATH", model.toString(),
                "NUMBER_OF_PREDICTIONS", String.valueOf(frames)));
        return worker.run(env);
    }

    /** What FIND_DOMINANT_COLORS costs: the colours of every object detected in the frames, per object. */
    static String colorCost(OnnxYoloDetector detector, List<Frame> frames, int repeat) {
        List<List<Detection>> found = detector.detectAll(frames);
        int objects = found.stream().mapToInt(List::size).sum();
        if (objects == 0) {
            return "dominant colours: no objects";
        }
        double ms = median(repeat, () -> {
            for (int i = 0; i < frames.size(); i++) {
                for (Detection d : found.get(i)) {
                    DominantColors.find(frames.get(i), d.box(), 3);
                }
            }
        });
        return String.format(Locale.ROOT, "dominant colours: %d objects, %.2f ms per object", objects, ms / objects);
    }

    static long rssMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    static double median(int repeat, Runnable task) {
        task.run(); // warm-up
        double[] ms = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            long t = System.nanoTime();
            task.run();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return medianOf(ms);
    }

    static double medianOf(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    static String shorten(String name) {
        return name.length() <= 42 ? name : name.substring(0, 39) + "...";
    }

}
