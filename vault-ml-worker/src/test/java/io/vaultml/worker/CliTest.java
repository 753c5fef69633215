package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help on every command, a version, errors naming the option, one set of exit codes. */
class CliTest {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(String... args) {
        return Main.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyCommandHasHelpWithItsOptionsAndTheExitCodes() {
        assertEquals(0, run("--help"));
        assertTrue(out().contains("--once") && out().contains("detect") && out().contains("bench"), out());
        assertTrue(out().contains("2   configuration or usage error"), out());
        out.reset();
        assertEquals(0, run("detect", "--help"));
        assertTrue(out().contains("--annotate=DIR") && out().contains("--format=FORMAT"), out());
        out.reset();
        assertEquals(0, run("bench", "--help"));
        for (String option : new String[] {"--batch", "--seek", "--pipeline", "--soak", "--colors"}) {
            assertTrue(out().contains(option), option + " missing from bench's usage: " + out());
        }
        out.reset();
        assertEquals(0, run("help", "worker"));
        assertTrue(out().contains("--once"), out());
    }

    @Test
    void theVersionNamesTheProjectAndItsNativeRuntimes() {
        assertEquals(0, run("--version"));
        assertTrue(out().startsWith("vault-ml "), out());
        assertTrue(out().matches("(?s).*ONNX Runtime 1\\.\\d+\\.\\d+, execution providers \\[.*CPU.*].*"), out());
        assertTrue(out().matches("(?s).*FFmpeg \\d+\\.\\d+.*"), out());
    }

    @Test
    void usageErrorsNameTheOptionShowTheUsageAndExitWith2() {
        assertEquals(2, run("detect", "--bogus", "x.mp4"));
        assertTrue(err().contains("Unknown option: '--bogus'") && err().contains("Usage:"), err());
        err.reset();
        assertEquals(2, run("detect"));
        assertTrue(err().contains("Missing required parameter"), err());
        err.reset();
        assertEquals(2, run("bench", "--model", "m.onnx", "--seek", "sideways", "dir"));
        assertTrue(err().contains("--seek"), err());
        err.reset();
        assertEquals(2, run("frobnicate"));
        assertTrue(err().contains("'frobnicate'"), err());
    }

    @Test
    void aBadModelIsOneLineAndExit2(@TempDir Path dir) throws Exception {
        Path notOnnx = Files.writeString(dir.resolve("model.onnx"), "this is not a model");
        int exit = run("detect", "--model", notOnnx.toString(),
                TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY).toString());
        assertEquals(2, exit, err());
        assertEquals(1, err().strip().lines().count(), err());
        assertTrue(err().contains(notOnnx.toString()), err());
        assertFalse(err().contains("at io.vaultml"), "no stack trace: " + err());
    }

    @Test
    void benchOfTheMainJobPrintsCostFloorRatioAndReadiness(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("recordings"));
        Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY), in.resolve(LocalModeTest.HIGHWAY));
        assertEquals(0, run("bench", "--model", TestData.require("models/yolox_nano.onnx").toString(), "--frames", "2",
                "--worker", "3", "--repeat", "2", in.toString()), err());
        assertTrue(out().matches("(?s)main job \\(worker, LOCAL, NUMBER_OF_PREDICTIONS=2, yolox_nano.onnx, \\d+ cores\\): "
                + "-?[0-9.]+ ms per recording \\(median of 2 rounds of 3 recordings vs 1: \\[-?[0-9.]+, -?[0-9.]+\\]\\), inference floor [0-9.]+ ms, ratio -?[0-9.]+; ready \\d+ ms.*"),
                out());
    }

    @Test
    void theGpuTableHasARowPerBatchAndDecoderAndMeasuresWhatRunsHere(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("recordings"));
        Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY), in.resolve(LocalModeTest.HIGHWAY));
        assertEquals(0, run("bench", "--model", TestData.require("models/yolox_nano.onnx").toString(), "--gpu-table",
                "--pipeline", "1", "--frames", "2", "--repeat", "1", in.toString()), err());
        assertTrue(out().contains("| batch | NVDEC | inference only, frames/s | end to end, frames/s | decoders |"), out());
        assertTrue(out().matches("(?s).*\\| 1 \\| off \\| \\d+ \\| \\d+ \\| h264 \\|.*"), out());
        for (String batch : List.of("1", "8", "32")) {
            for (String nvdec : List.of("off", "on")) {
                assertTrue(out().contains("| " + batch + " | " + nvdec + " | "), batch + "/" + nvdec + ": " + out());
            }
        }
    }
}
