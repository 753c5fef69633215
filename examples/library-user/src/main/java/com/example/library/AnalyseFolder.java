package com.example.library;

import io.vaultml.analysis.AnalysisSettings;
import io.vaultml.analysis.DirectoryFetcher;
import io.vaultml.analysis.RecordingAnalyzer;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.Detector;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.kerberos.FileEvents;
import io.vaultml.kerberos.ResultFormat;
import io.vaultml.kerberos.ResultWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Analyses every recording in a folder with a YOLO model, four at a time on one detector, and prints the Kerberos
 * Hub result of each (one JSON a line) and a summary per recording on standard error. Everything is built here,
 * from the library's own calls: the same analysis the vault-ml worker runs.
 */
public final class AnalyseFolder {
    private static final int THREADS = 4;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: AnalyseFolder MODEL.onnx FOLDER");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Path folder = Path.of(args[1]);
        // The worker's settings, by the worker's names; what is not given keeps the worker's default. Without
        // configure() the builder analyses 5 frames and tracks nothing.
        Map<String, String> names = Map.of("CLASSIFICATION_FPS", "2", "MODEL_PATH", model.toString());
        Config settings = AnalysisSettings.CONFIG.parse(ConfigSource.of(names));
        // The detector as the worker chooses it: by provider name, from the same settings, validated first.
        Detector detector = Providers.create(DetectorProvider.class, "onnx-yolo", ConfigSource.of(names));
        ResultWriter results = ResultWriter.of(ResultFormat.HUB);
        List<Path> recordings;
        try (Stream<Path> files = Files.walk(folder)) {
            recordings = files.filter(f -> f.toString().endsWith(".mp4")).sorted().toList();
        }
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        // The analyzer owns the detector (and closes it); the detector runs on one thread of its own.
        try (RecordingAnalyzer analyzer = RecordingAnalyzer.builder(detector)
                .configure(settings).fetcher(new DirectoryFetcher(folder, 512L << 20)).concurrency(THREADS).build()) {
            List<Future<String>> outcomes = new ArrayList<>();
            for (Path file : recordings) {
                RecordingEvent event = FileEvents.of(folder.relativize(file).toString(), Files.size(file),
                        Files.getLastModifiedTime(file).toInstant());
                outcomes.add(threads.submit(() -> {
                    AnalysisResult result = analyzer.analyse(event);
                    System.err.printf("%s: %d frames, %d tracks (%d moving)%s%n", event.key(), result.frames().size(),
                            result.tracks().size(), result.movingTracks().size(),
                            result.truncated() ? ", " + result.truncation() : "");
                    return new String(results.toJson(result), StandardCharsets.UTF_8);
                }));
            }
            for (Future<String> outcome : outcomes) {
                System.out.println(outcome.get());
            }
        } finally {
            threads.shutdown();
        }
    }
}
