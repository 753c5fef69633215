package io.vaultml.worker;

import io.vaultml.test.Await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.test.TestData;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar as its own process: LOCAL mode on a directory, SIGTERM mid-run, restart. */
class WorkerProcessIT {
    static final Path JAR = Path.of("target", "vault-ml-worker.jar");

    static Process start(Path dir, boolean once, Path log) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-jar", JAR.toString()));
        if (once) {
            command.add("--once");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Map<String, String> env = pb.environment();
        env.put("WATCH_DIR", dir.resolve("in").toString());
        env.put("STATE_DIR", dir.resolve("state").toString());
        env.put("RESULTS_FILE", dir.resolve("results.jsonl").toString());
        env.put("METRICS_PORT", "0");
        env.put("WATCH_INTERVAL", "200ms");
        env.put("MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString());
        env.put("DEVICE", "cpu");
        env.put("CLASSIFICATION_FPS", "4");
        env.put("SHUTDOWN_TIMEOUT", "60s");
        return pb.start();
    }

    static List<String> resultKeys(Path dir) throws IOException {
        Path file = dir.resolve("results.jsonl");
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            int at = line.indexOf("\"key\":\"");
            if (at >= 0) {
                keys.add(line.substring(at + 7, line.indexOf('"', at + 7)));
            }
        }
        return keys;
    }

    @Test
    void sigtermMidRunLosesNothingAndARestartFinishesTheRest(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "SKIPPED: " + JAR + " not built (run mvn verify)");
        Path in = Files.createDirectories(dir.resolve("in"));
        Set<String> all = new TreeSet<>();
        try (Stream<Path> videos = Files.list(TestData.require("videos/kerberos"))) {
            for (Path v : videos.toList()) {
                Files.copy(v, in.resolve(v.getFileName()));
                all.add(v.getFileName().toString());
            }
        }
        Process worker = start(dir, false, dir.resolve("first.log"));
        List<String> seen = new ArrayList<>();
        Await.repeatWhile(() -> seen.isEmpty() && worker.isAlive(), Duration.ofSeconds(120), () -> {
            Thread.sleep(100);
            seen.addAll(resultKeys(dir));
        });
        assertTrue(worker.isAlive(), "worker died: " + Files.readString(dir.resolve("first.log")));
        worker.destroy(); // SIGTERM
        assertTrue(worker.waitFor(90, TimeUnit.SECONDS), "worker did not stop after SIGTERM");
        String log = Files.readString(dir.resolve("first.log"));
        assertEquals(0, worker.exitValue(), log);

        List<String> first = resultKeys(dir);
        List<String> committed = Files.readAllLines(dir.resolve("state/processed.txt"));
        assertTrue(first.size() < all.size(), "SIGTERM came too late to test anything: " + first);
        // Everything that was committed has its result, and nothing was committed without one.
        assertEquals(new TreeSet<>(committed), new TreeSet<>(first));

        Process again = start(dir, true, dir.resolve("second.log"));
        assertTrue(again.waitFor(180, TimeUnit.SECONDS), "run-once did not finish");
        assertEquals(0, again.exitValue(), Files.readString(dir.resolve("second.log")));
        List<String> keys = resultKeys(dir);
        assertEquals(all, new TreeSet<>(keys), "every recording has a result");
        assertEquals(all.size(), keys.size(), "no recording was published twice: " + keys);
    }

    @Test
    void configurationProblemsExitWithStatus2AndOneLineEach(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "SKIPPED: " + JAR + " not built (run mvn verify)");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString()).redirectErrorStream(true);
        pb.environment().put("NUMBER_OF_PREDICTIONS", "zero");
        pb.environment().put("MOVE_DISTANCE", "far");
        pb.environment().put("KAFKA_PASSWORD", "do-not-print-me");
        pb.environment().put("METRICS_PORT", "0");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("  Invalid value 'zero' for NUMBER_OF_PREDICTIONS: must be an integer"), out);
        assertTrue(out.contains("  Invalid value 'far' for MOVE_DISTANCE: must be a number"), out);
        assertTrue(!out.contains("do-not-print-me"), out);
    }

    @Test
    void jsonLogsAreOneObjectPerLine(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "SKIPPED: " + JAR + " not built (run mvn verify)");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toString(), "--once")
                .redirectError(dir.resolve("err.txt").toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(Map.of("LOG_FORMAT", "json", "METRICS_PORT", "0", "WATCH_DIR",
                Files.createDirectories(dir.resolve("in")).toString(), "STATE_DIR", dir.resolve("state").toString(),
                "KAFKA_PASSWORD", "hidden-password-1"));
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        List<String> lines = Files.readAllLines(dir.resolve("err.txt"));
        assertTrue(lines.size() >= 3, lines.toString());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : lines) {
            var node = json.readTree(line);
            assertTrue(node.has("level") && node.has("formattedMessage"), line);
            assertTrue(!line.contains("hidden-password-1"), line);
        }
    }

    @Test
    void detectCommandPrintsResultsAndFailsOnUnreadableInput(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "SKIPPED: " + JAR + " not built (run mvn verify)");
        String java = ProcessHandle.current().info().command().orElse("java");
        Path annotate = dir.resolve("annotated");
        Process p = new ProcessBuilder(java, "-jar", JAR.toString(), "detect", "--model",
                TestData.require("models/yolov8n_int8.onnx").toString(), "--frames", "3", "--annotate",
                annotate.toString(), TestData.require("images/bus.jpg").toString(),
                TestData.require("videos/kerberos/1700000400_1-0_office_300-50-250-380_12_0.mp4").toString(),
                TestData.require("videos/corrupt/empty.mp4").toString())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(1, p.exitValue(), err);
        assertEquals(2, out.lines().count(), out);
        assertTrue(out.lines().findFirst().orElseThrow().contains("\"bus\""), out);
        assertTrue(err.contains("vault-ml detect: " + TestData.require("videos/corrupt/empty.mp4")
                + ": Recording empty.mp4 is empty (0 bytes)"), err);
        File[] pictures = annotate.toFile().listFiles();
        assertEquals(4, pictures == null ? 0 : pictures.length, "1 image + 3 video frames annotated");
    }
}
