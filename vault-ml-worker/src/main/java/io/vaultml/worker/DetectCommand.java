package io.vaultml.worker;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.ConfigException;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.Frame;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Track;
import io.vaultml.api.VaultMlException;
import io.vaultml.api.VideoInfo;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.kerberos.KerberosResults;
import io.vaultml.kerberos.ResultFormat;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.TrackerSettings;
import io.vaultml.vision.onnx.DecodeReport;
import io.vaultml.vision.onnx.FfmpegDecoder;
import io.vaultml.vision.onnx.Images;
import io.vaultml.vision.onnx.VisionConfig;
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

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> env = new HashMap<>(System.getenv());
        List<Path> files = new ArrayList<>();
        Path annotate = null;
        String format = "detections";
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--model" -> env.put("MODEL_PATH", value(args, ++i));
                    case "--labels" -> env.put("LABELS_PATH", value(args, ++i));
                    case "--frames" -> {
                        env.put("NUMBER_OF_PREDICTIONS", value(args, ++i));
                        env.remove("CLASSIFICATION_FPS");
                    }
                    case "--fps" -> env.put("CLASSIFICATION_FPS", value(args, ++i));
                    case "--format" -> format = value(args, ++i);
                    case "--detector" -> env.put("DETECTOR", value(args, ++i));
                    case "--annotate" -> annotate = Path.of(value(args, ++i));
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        files.add(Path.of(args[i]));
                    }
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no input files\n" + Main.usage());
            }
        } catch (IllegalArgumentException e) {
            err.println("vault-ml detect: " + e.getMessage());
            return 2;
        }
        Providers<DetectorProvider> providers = Providers.load(DetectorProvider.class);
        Config config;
        DetectorProvider provider;
        ResultFormat resultFormat;
        try {
            config = WorkerApp.definition(providers).parse(ConfigSource.of(env));
            provider = providers.select(config.find(WorkerSettings.DETECTOR).orElse(null), config);
            resultFormat = format.equals("detections") ? null : ResultFormat.parse(format);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println("vault-ml detect: " + e.getMessage().replace("\n", "\n  "));
            return 2;
        }
        int failures = 0;
        try (Detector detector = provider.create(config)) {
            FfmpegDecoder decoder = new FfmpegDecoder(VisionConfig.decoderOptions(config));
            CentroidTracker tracker = new CentroidTracker(TrackerSettings.from(config));
            Annotator annotator = annotate == null ? null : new Annotator(annotate);
            for (Path file : files) {
                try {
                    AnalysisResult result = analyse(file, detector, decoder, tracker, config, annotator, err);
                    out.println(resultFormat == null ? DetectionsReport.json(file.toString(), result)
                            : new String(KerberosResults.toJson(result, resultFormat), StandardCharsets.UTF_8));
                    err.println("vault-ml detect: " + file + ": " + DetectionsReport.summary(result));
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

    private static AnalysisResult analyse(Path file, Detector detector, FfmpegDecoder decoder, CentroidTracker tracker,
            Config config, Annotator annotator, PrintStream err) throws IOException {
        long start = System.nanoTime();
        RecordingEvent event = RecordingEvent.ofKey(file.getFileName().toString());
        List<FrameDetections> frames = new ArrayList<>();
        if (Images.isImage(file)) {
            Frame image = Images.read(file);
            List<Detection> found = detector.detect(image);
            frames.add(new FrameDetections(0, 0, found));
            if (annotator != null) {
                annotator.draw(file, image, found, List.of());
            }
            VideoInfo info = new VideoInfo(image.width(), image.height(), 0, 1, 0, "image");
            return new AnalysisResult(event, info, frames, List.of(), false, detector.info(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
        if (!Files.isRegularFile(file)) {
            throw new io.vaultml.api.UnprocessableInputException("fetch", "no such file");
        }
        Media media = Media.of(file.getFileName().toString(), Files.readAllBytes(file));
        List<Frame> kept = new ArrayList<>();
        DecodeReport report = decoder.decode(media, VisionConfig.sampling(config), frame -> {
            frames.add(new FrameDetections(frame.index(), frame.timestampMicros(), detector.detect(frame)));
            if (annotator != null) {
                kept.add(Annotator.copy(frame));
            }
        });
        if (report.truncated()) {
            // Still a result (the frames before the damage), but the user is told it is not the whole recording.
            err.println("vault-ml detect: " + file + ": " + report.truncationSummary());
        }
        List<Track> tracks = tracker.track(frames, report.video());
        if (annotator != null) {
            for (int i = 0; i < kept.size(); i++) {
                annotator.draw(file, kept.get(i), frames.get(i).detections(), tracks);
            }
        }
        return new AnalysisResult(event, report.video(), frames, tracks, true, detector.info(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }
}
