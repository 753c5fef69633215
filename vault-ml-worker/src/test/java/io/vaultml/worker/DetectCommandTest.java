package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code detect} command in-process; the packaged jar is exercised by {@code WorkerProcessIT}. */
class DetectCommandTest {

    @Test
    void aTruncatedRecordingGivesAResultAndATruncationWarning() throws Exception {
        String file = TestData.require("videos/corrupt/truncated_30pct_fragmented.mp4").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DetectCommand.run(new String[] {"--model", TestData.require("models/yolox_nano.onnx").toString(),
                "--fps", "2", "--format", "classification", file}, print(out), print(err));

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
    void completeRecordingsGiveNoWarning() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = DetectCommand.run(new String[] {"--model", TestData.require("models/yolox_nano.onnx").toString(),
                "--frames", "2", TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY).toString()},
                print(out), print(err));

        assertEquals(0, exit);
        assertEquals(1, out.toString(StandardCharsets.UTF_8).lines().count());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
