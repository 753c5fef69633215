package io.vaultml.worker;

import io.vaultml.analysis.AnalysisListener;
import io.vaultml.analysis.RecordingAnalyzer;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Detection;
import io.vaultml.api.Frame;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.VaultMlException;
import io.vaultml.api.VideoInfo;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.kerberos.FileEvents;
import io.vaultml.kerberos.ResultWriter;
import io.vaultml.vision.onnx.Images;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code detect [--model M] [--labels L] [--frames N | --fps F] [--format detections|legacy|hub]
 * [--detector NAME] [--annotate DIR] FILE...}: decoding, detection and tracking on local files, printing one JSON
 * per file (by default every detection with label, score and box, the tracks and the count the forwarding
 * threshold compares with; {@code legacy} or {@code hub}: the result the worker publishes), a one-line summary per
 * file on standard error, and, with {@code --annotate}, JPEGs with boxes, labels, scores and track trails. The
 * same environment variables as the worker apply; options override them.
 */
final class DetectCommand {
    private DetectCommand() {
    }

    /** Parses {@code args} as the {@code detect} command line and runs it; usage errors exit 2. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return Main.commandLine(out, err).execute(Cli.prepend("detect", args));
    }

    /** The options of {@code detect}; the environment variables of the worker apply, options override them. */
    @Command(name = "detect", mixinStandardHelpOptions = true, versionProvider = Cli.Versions.class,
            description = "Detect (and track) objects in local videos or images: one JSON per file on standard "
                    + "output (every detection with label, score and box, the tracks and the count), a summary "
                    + "line per file on standard error.",
            exitCodeListHeading = Cli.EXIT_CODES_HEADING, exitCodeList = {Cli.EXIT_OK, Cli.EXIT_FAILED_DETECT,
                Cli.EXIT_USAGE})
    static final class Options implements Callable<Integer> {
        private final PrintStream out;
        private final PrintStream err;

        @Option(names = "--model", paramLabel = "M.onnx", description = "ONNX YOLO model (MODEL_PATH)")
        Path model;
        @Option(names = "--labels", paramLabel = "FILE", description = "class names, one per line (LABELS_PATH)")
        Path labels;
        @Option(names = "--frames", paramLabel = "N", description = "analyse N frames spread over each video "
                + "(NUMBER_OF_PREDICTIONS)")
        Integer frames;
        @Option(names = "--fps", paramLabel = "F", description = "analyse F frames a second (CLASSIFICATION_FPS)")
        Double fps;
        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "detections",
                description = "detections (default), legacy or hub: what the worker would publish")
        String format;
        @Option(names = "--detector", paramLabel = "NAME", description = "detector provider (DETECTOR)")
        String detector;
        @Option(names = "--annotate", paramLabel = "DIR", description = "write JPEGs with boxes, labels, scores "
                + "and track trails here")
        Path annotate;
        @Parameters(arity = "1..*", paramLabel = "FILE", description = "videos (.mp4) or images")
        List<Path> files;

        Options(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (model != null) {
                env.put("MODEL_PATH", model.toString());
            }
            if (labels != null) {
                env.put("LABELS_PATH", labels.toString());
            }
            if (frames != null) {
                env.put("NUMBER_OF_PREDICTIONS", frames.toString());
                env.remove("CLASSIFICATION_FPS");
            }
            if (fps != null) {
                env.put("CLASSIFICATION_FPS", fps.toString());
            }
            if (detector != null) {
                env.put("DETECTOR", detector);
            }
            return DetectCommand.run(env, files, format, annotate, out, err);
        }
    }

    static int run(Map<String, String> env, List<Path> files, String format, Path annotate, PrintStream out,
            PrintStream err) {
        Providers<DetectorProvider> providers = Providers.load(DetectorProvider.class);
        Config config;
        DetectorProvider provider;
        ResultWriter results;
        ZonesFile zones;
        try {
            Map<String, String> settings = new HashMap<>(env);
            if (!format.equals("detections")) {
                settings.put(ResultWriter.RESULT_FORMAT.name(), format);
            }
            config = WorkerApp.definition(providers).parse(ConfigSource.of(settings));
            provider = providers.select(config.find(WorkerSettings.DETECTOR).orElse(null), config);
            results = format.equals("detections") ? null : ResultWriter.from(config);
            zones = config.find(WorkerSettings.ZONES_FILE).map(f -> ZonesFile.load(Path.of(f))).orElse(null);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("vault-ml detect: " + e.getMessage().replace("\n", "\n  "));
            return 2;
        }
        int failures = 0;
        AtomicReference<Path> current = new AtomicReference<>(); // files are analysed one at a time
        // The worker's analysis (decoding, sampling, tracking as configured): only the fetcher differs.
        RecordingAnalyzer built;
        try {
            io.vaultml.api.Detector detector = withZonesChecked(provider.create(config), zones);
            try {
                built = RecordingAnalyzer.builder(detector).configure(config)
                        .zones(zones == null ? event -> io.vaultml.api.CameraZones.NONE : zones)
                        // Still a result (the frames before the damage), but the user is told it is not whole.
                        .listener(new AnalysisListener() {
                            @Override
                            public void truncated(String recordingKey, String summary) {
                                err.println("vault-ml detect: " + current.get() + ": " + summary);
                            }
                        }).build();
            } catch (RuntimeException e) {
                detector.close(); // the analyzer would have owned it
                throw e;
            }
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("vault-ml detect: " + e.getMessage());
            return 2;
        }
        try (RecordingAnalyzer analyzer = built) {
            Annotator annotator = annotate == null ? null : new Annotator(annotate);
            for (Path file : files) {
                try {
                    current.set(file);
                    AnalysisResult result = analyse(file, analyzer, annotator);
                    out.println(results == null ? DetectionsReport.json(file.toString(), result)
                            : new String(results.toJson(result), StandardCharsets.UTF_8));
                    err.println("vault-ml detect: " + file + ": " + DetectionsReport.summary(result));
                } catch (io.vaultml.analysis.InferenceStoppedException e) {
                    err.println("vault-ml detect: " + file + ": " + e.getMessage() + "; the files after it are not "
                            + "analysed");
                    return 1;
                } catch (ConfigException e) {
                    throw e; // a setting, not this file: exit 2
                } catch (VaultMlException | IOException e) {
                    err.println("vault-ml detect: " + file + ": " + e.getMessage());
                    failures++;
                }
            }
        } catch (ConfigException e) {
            err.println("vault-ml detect: " + e.getMessage());
            return 2;
        }
        return failures == 0 ? 0 : 1;
    }

    /** The detector, once the zones' labels are known to be among its classes (it is closed if they are not). */
    private static io.vaultml.api.Detector withZonesChecked(io.vaultml.api.Detector detector, ZonesFile zones) {
        if (zones != null) {
            try {
                zones.requireKnownLabels(detector.classes());
            } catch (ConfigException e) {
                detector.close();
                throw e;
            }
        }
        return detector;
    }

    /**
     * The key the worker's LOCAL mode gives this file in its watched folder, so that the result is the same: the
     * file's name; for a name not in the Agent's format, which names no camera, its folder and name, as for a
     * camera's folder under the watched one, so that the folder is the camera (its zones, masks, parked objects).
     */
    static String key(Path file) {
        String name = file.getFileName().toString();
        Path folder = file.toAbsolutePath().getParent();
        boolean namesCamera = !FileEvents.of(name, 0, java.time.Instant.EPOCH).camera().isEmpty();
        return namesCamera || folder == null || folder.getFileName() == null ? name
                : folder.getFileName() + "/" + name;
    }

    /** A still image is one frame for the detector; a video is analysed as the worker analyses a recording. */
    private static AnalysisResult analyse(Path file, RecordingAnalyzer analyzer, Annotator annotator)
            throws IOException {
        long start = System.nanoTime();
        if (!Files.isRegularFile(file)) {
            throw new io.vaultml.api.UnprocessableInputException("fetch", "no such file");
        }
        RecordingEvent event = FileEvents.of(key(file), Files.size(file), Files.getLastModifiedTime(file).toInstant());
        if (Images.isImage(file)) {
            Frame image = Images.read(file);
            List<Detection> found = analyzer.detector().detect(image);
            if (annotator != null) {
                annotator.draw(file, image, found, List.of());
            }
            VideoInfo info = new VideoInfo(image.width(), image.height(), 0, 1, 0, "image");
            return new AnalysisResult(event, info, List.of(new FrameDetections(0, 0, found)), List.of(), false,
                    analyzer.detector().info(), Duration.ofNanos(System.nanoTime() - start));
        }
        Media media = Media.of(file.getFileName().toString(), Files.readAllBytes(file));
        List<Frame> kept = new ArrayList<>();
        AnalysisResult result = analyzer.analyse(event, media, annotator == null ? null
                : frame -> kept.add(frame.copy()));
        if (annotator != null) {
            for (int i = 0; i < kept.size(); i++) {
                annotator.draw(file, kept.get(i), result.frames().get(i).detections(), result.tracks(), result.zones());
            }
        }
        return result;
    }
}
