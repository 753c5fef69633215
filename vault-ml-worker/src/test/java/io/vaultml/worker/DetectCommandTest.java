package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code detect} command in-process; the packaged jar is exercised by {@code WorkerProcessIT}. */
class DetectCommandTest {

    @Test
    void aTruncatedRecordingGivesAResultAndATruncationWarning() throws Exception {
        String file = TestData.require("videos/corrupt/truncated_30pct_fragmented.mp4").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DetectCommand.run(new String[] {"--model", TestData.require("models/yolox_nano.onnx").toString(),
                "--fps", "2", "--format", "legacy", file}, print(out), print(err));

        String errors = err.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, errors);
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size());
        JsonNode result = LocalModeTest.JSON.readTree(lines.get(0));
        assertTrue(result.at("/data/labels").size() >= 1, "frames before the cut analysed: " + result);
        assertTrue(errors.startsWith("vault-ml detect: " + file + ": truncated or damaged ("), errors);
        assertTrue(errors.contains("frames before it"), errors);
    }

    @Test
    void aFileNotNamedAsTheAgentNamesRecordingsIsOfTheCameraOfItsFolder(@TempDir Path dir) throws Exception {
        Path zones = Files.writeString(dir.resolve("zones.yaml"),
                "cameras:\n  yard:\n    masks:\n      - [[0,0],[1,0],[1,1],[0,1]]\n");
        Path video = TestData.require("videos/original/car_traffic_small.mp4");
        Path inYard = Files.createDirectories(dir.resolve("yard")).resolve("clip.mp4");
        Path elsewhere = Files.createDirectories(dir.resolve("street")).resolve("clip.mp4");
        Files.copy(video, inYard);
        Files.copy(video, elsewhere);
        assertEquals("yard/clip.mp4", DetectCommand.key(inYard));
        assertEquals(LocalModeTest.HIGHWAY, DetectCommand.key(dir.resolve("yard").resolve(LocalModeTest.HIGHWAY)),
                "an Agent's name names its camera itself");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = DetectCommand.run(java.util.Map.of("ZONES_FILE", zones.toString(), "MODEL_PATH",
                TestData.require("models/yolox_nano.onnx").toString(), "NUMBER_OF_PREDICTIONS", "2"),
                List.of(inYard, elsewhere), "detections", null, print(out), print(new ByteArrayOutputStream()));
        assertEquals(0, exit);
        List<String> reports = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, reports.size(), reports.toString());
        assertEquals(0, detections(LocalModeTest.JSON.readTree(reports.get(0))), "the yard's mask covers it all");
        assertTrue(detections(LocalModeTest.JSON.readTree(reports.get(1))) > 0, "street has no mask");
    }

    private static int detections(JsonNode report) {
        int n = 0;
        for (JsonNode frame : report.get("frames")) {
            n += frame.get("detections").size();
        }
        return n;
    }

    @Test
    void completeRecordingsGiveNoWarning() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DetectCommand.run(new String[] {"--model", TestData.require("models/yolox_nano.onnx").toString(),
                "--frames", "2", TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY).toString()},
                print(out), print(err));

        assertEquals(0, exit);
        assertEquals(1, out.toString(StandardCharsets.UTF_8).lines().count());
        List<String> said = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, said.size(), said.toString());
        assertTrue(said.get(0).matches("vault-ml detect: .*highway.*\\.mp4: 2 frames, \\d+ detections.*"), said.get(0));
    }

    @Test
    void theDefaultOutputShowsEveryDetectionAndASummary() throws Exception {
        String file = TestData.require("videos/kerberos/" + LocalModeTest.PEDESTRIANS).toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DetectCommand.run(new String[] {"--model", TestData.require("models/yolox_nano.onnx").toString(),
                "--frames", "5", file}, print(out), print(err));
        assertEquals(0, exit);
        JsonNode report = LocalModeTest.JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertEquals(5, report.get("frames").size());
        int detections = 0;
        int people = 0;
        for (JsonNode frame : report.get("frames")) {
            for (JsonNode d : frame.get("detections")) {
                detections++;
                people += d.get("label").asText().equals("person") ? 1 : 0;
                assertEquals(4, d.get("box").size());
                assertTrue(d.get("score").asDouble() > 0 && d.get("score").asDouble() <= 1);
            }
        }
        assertTrue(people >= 3, report.toString());
        // Five frames seconds apart: one entry per object of each label's busiest frame, all counted.
        assertTrue(report.get("tracks").size() >= 3, report.toString());
        assertEquals(report.get("tracks").size(), report.get("objectsOfInterest").asInt());
        assertEquals("unknown: frames too far apart to track", report.at("/tracks/0/motion").asText());
        String summary = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(summary.startsWith("vault-ml detect: " + file + ": 5 frames, " + detections + " detections: person "
                + people), summary);
        assertTrue(summary.endsWith(report.get("tracks").size() + " objects (frames too far apart to track; each "
                + "counted once)"), summary);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    @Test
    void detectShowsZonesAndDrawsThemToTuneTheFileByLooking(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path zones = java.nio.file.Files.writeString(dir.resolve("zones.yaml"), ZonesFileTest.HIGHWAY);
        java.nio.file.Path video = dir.resolve("in").resolve(LocalModeTest.HIGHWAY);
        java.nio.file.Files.createDirectories(video.getParent());
        java.nio.file.Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY), video);
        java.util.Map<String, String> env = new java.util.HashMap<>(LocalModeTest.env(dir, java.util.Map.of(
                "ZONES_FILE", zones.toString(), "NUMBER_OF_PREDICTIONS", "3")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        java.nio.file.Path pictures = dir.resolve("annotated");
        assertEquals(0, DetectCommand.run(env, List.of(video), "detections", pictures, print(out), print(err)),
                err::toString);
        JsonNode report = LocalModeTest.JSON.readTree(out.toString(StandardCharsets.UTF_8));
        for (JsonNode frame : report.get("frames")) {
            for (JsonNode d : frame.get("detections")) {
                assertTrue(d.get("zones").isArray(), "each detection names its zones: " + d);
            }
        }
        assertTrue(report.get("tracks").get(0).get("zones").isArray(), report.toString());
        // The walkway's top edge, drawn in yellow (BGR 0, 215, 255): blue low, green and red high.
        List<java.nio.file.Path> jpegs;
        try (var files = java.nio.file.Files.list(pictures)) {
            jpegs = files.sorted().toList();
        }
        assertEquals(3, jpegs.size(), jpegs.toString());
        io.vaultml.vision.onnx.OpenCv.load();
        org.opencv.core.Mat image = org.opencv.imgcodecs.Imgcodecs.imread(jpegs.get(0).toString());
        try {
            double[] bgr = image.get((int) Math.round(0.25 * (image.rows() - 1)),
                    (int) Math.round(0.24 * (image.cols() - 1)));
            assertTrue(bgr[0] < 100 && bgr[1] > 150 && bgr[2] > 180, "yellow zone outline: " + java.util.Arrays.toString(bgr));
        } finally {
            image.release();
        }
    }
}
