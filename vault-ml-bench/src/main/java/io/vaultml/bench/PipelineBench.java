package io.vaultml.bench;

import io.vaultml.analysis.SharedDetector;
import io.vaultml.api.Detection;
import io.vaultml.api.Media;
import io.vaultml.video.DecoderOptions;
import io.vaultml.video.FfmpegDecoder;
import io.vaultml.video.Sampling;
import io.vaultml.video.DecodeReport;
import io.vaultml.video.HardwareDecoding;
import io.vaultml.video.SeekMode;
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

/**
 * The {@code bench --pipeline} and {@code bench --gpu-table} measurements: decoding and inference overlapped as the
 * worker overlaps them.
 */
final class PipelineBench {
    private PipelineBench() {
    }

    /**
     * The worker's arrangement: {@code threads} recordings decoded at once, frames inferred on the one inference
     * thread ({@link SharedDetector}), so decoding overlaps inference. Prints wall time per recording against the
     * inference time alone for the same frames.
     */
    static int pipeline(Path model, List<Path> files, int threads, int frames, int repeat, int batch,
            SeekMode seek, PrintStream out) throws IOException {
        PipelineFigures f = measurePipeline(YoloOptions.of(model).withBatchSize(batch), read(files), threads,
                Sampling.count(frames), repeat, DecoderOptions.defaults().withSeekMode(seek));
        out.printf(Locale.ROOT, "pipeline %s, %d decoding threads, %s seeking, %d recordings x %d frames: %.1f ms per "
                + "recording, inference alone %.1f ms per recording, ratio %.2f%n", model.getFileName(), threads,
                seek.name().toLowerCase(Locale.ROOT), files.size(), frames, f.wallMillis() / files.size(),
                f.inferenceMillis() / files.size(), f.wallMillis() / f.inferenceMillis());
        return 0;
    }

    /**
     * One run of the recordings in the worker's arrangement, medians of {@code repeat} after a warm-up.
     *
     * @param wallMillis wall time of one run
     * @param inferenceMillis inference time of one run (the detector's own clock)
     * @param frames frames analysed in one run
     * @param decoders the decoders that ran
     */
    record PipelineFigures(double wallMillis, double inferenceMillis, long frames, java.util.Set<String> decoders) {
        double endToEndFps() {
            return frames * 1000.0 / wallMillis;
        }

        double inferenceFps() {
            return frames * 1000.0 / inferenceMillis;
        }
    }

    static List<Media> read(List<Path> files) throws IOException {
        List<Media> media = new ArrayList<>();
        for (Path f : files) {
            media.add(Media.of(f.getFileName().toString(), Files.readAllBytes(f)));
        }
        return media;
    }

    /**
     * The worker's arrangement: {@code threads} recordings decoded at once, frames inferred on the one inference
     * thread ({@link SharedDetector}), so decoding overlaps inference.
     */
    static PipelineFigures measurePipeline(YoloOptions model, List<Media> media, int threads,
            Sampling sampling, int repeat, DecoderOptions decoderOptions) {
        FfmpegDecoder decoder = new FfmpegDecoder(decoderOptions);
        java.util.concurrent.atomic.AtomicLong frames = new java.util.concurrent.atomic.AtomicLong();
        java.util.Set<String> decoders = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (OnnxYoloDetector detector = OnnxYoloDetector.open(model);
                SharedDetector inference = SharedDetector.forConcurrency(detector, threads, nanos -> { })) {
            Runnable all = () -> {
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (Media m : media) {
                    done.add(pool.submit(() -> {
                        List<CompletableFuture<List<Detection>>> detections = new ArrayList<>();
                        DecodeReport report = decoder.decode(m, sampling, f -> detections.add(inference.submit(f)));
                        detections.forEach(SharedDetector::await);
                        frames.addAndGet(report.framesDelivered());
                        decoders.add(report.video().codec());
                    }));
                }
                try {
                    for (java.util.concurrent.Future<?> f : done) {
                        f.get();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } finally {
                    pool.shutdown();
                }
            };
            all.run(); // warm-up
            Timings before = detector.timings();
            frames.set(0);
            double wall = BenchCommand.median(repeat, all);
            int runs = repeat + 1; // median() warms up once more
            return new PipelineFigures(wall, detector.timings().since(before).inferenceMillisTotal() / runs,
                    frames.get() / runs, java.util.Set.copyOf(decoders));
        }
    }

    /** Batch 1, 8 and 32, NVDEC off and on: inference-only and end-to-end frames per second, one table. */
    static int gpuTable(Path model, List<Path> files, int threads, int frames, int repeat,
            InferenceDevice device, PrintStream out) throws IOException {
        List<Media> media = read(files);
        out.printf(Locale.ROOT, "%s on %s, %d recordings x %d frames, %d decoding threads, %d cores%n",
                model.getFileName(), device, files.size(), frames, threads, Runtime.getRuntime().availableProcessors());
        out.println("| batch | NVDEC | inference only, frames/s | end to end, frames/s | decoders |");
        out.println("|---|---|---|---|---|");
        for (int batch : new int[] {1, 8, 32}) {
            for (HardwareDecoding hw : new HardwareDecoding[] {HardwareDecoding.NONE, HardwareDecoding.CUDA}) {
                String row = String.format(Locale.ROOT, "| %d | %s | ", batch, hw == HardwareDecoding.NONE ? "off" : "on");
                try {
                    PipelineFigures f = measurePipeline(YoloOptions.of(model).withDevice(device).withBatchSize(batch),
                            media, threads, Sampling.count(frames), repeat,
                            DecoderOptions.defaults().withHardware(hw));
                    out.printf(Locale.ROOT, "%s%.0f | %.0f | %s |%n", row, f.inferenceFps(), f.endToEndFps(),
                            String.join(", ", new java.util.TreeSet<>(f.decoders())));
                } catch (RuntimeException e) {
                    out.println(row + "- | - | not measured: " + e.getMessage() + " |");
                }
            }
        }
        return 0;
    }
}
