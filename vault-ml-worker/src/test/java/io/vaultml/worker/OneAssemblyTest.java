package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The worker and {@code detect} get their analysis and their result writer from the same library calls
 * ({@code RecordingAnalyzer.Builder.configure}, {@code ResultWriter.from}): for the same recording and settings,
 * {@code detect --format F} prints exactly what the worker publishes, settings that change the result included
 * (tracking, colours, labels, credentials).
 */
class OneAssemblyTest {

    @ParameterizedTest
    @ValueSource(strings = {"hub", "legacy"})
    void detectPrintsWhatTheWorkerPublishes(String format, @TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path recording = in.resolve(LocalModeTest.PEDESTRIANS);
        Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.PEDESTRIANS), recording,
                StandardCopyOption.COPY_ATTRIBUTES);
        // Settings the old detect ignored: each changes the published JSON.
        Map<String, String> settings = Map.of("RESULT_FORMAT", format, "CLASSIFICATION_FPS", "2",
                "FIND_DOMINANT_COLORS", "true", "LABELS", "hub", "RESULT_CREDENTIALS", "keep", "MOVE_DISTANCE", "0");
        Map<String, String> env = LocalModeTest.env(dir, settings);
        assertEquals(0, LocalModeTest.run(env));
        List<JsonNode> published = LocalModeTest.lines(dir.resolve("results.jsonl"));
        assertEquals(1, published.size(), published::toString);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> detectEnv = new HashMap<>(env);
        detectEnv.remove("RESULT_FORMAT"); // --format says it
        int exit = DetectCommand.run(detectEnv, List.of(recording), format, null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err::toString);
        JsonNode printed = LocalModeTest.JSON.readTree(out.toString(StandardCharsets.UTF_8));

        assertEquals(published.get(0), printed);
        JsonNode data = printed.get("data");
        if (format.equals("hub")) {
            assertTrue(data.get("properties").toString().contains("pedestrian"), "LABELS=hub: " + data);
            assertTrue(data.get("details").get(0).has("colorStr"), "FIND_DOMINANT_COLORS: " + data);
        } else {
            assertTrue(data.toString().contains("pedestrian"), "LABELS=hub: " + data);
        }
    }

    @Test
    void detectHonoursTrackingOffAsTheWorkerDoes(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path recording = in.resolve(LocalModeTest.PEDESTRIANS);
        Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.PEDESTRIANS), recording,
                StandardCopyOption.COPY_ATTRIBUTES);
        Map<String, String> env = LocalModeTest.env(dir, Map.of("RESULT_FORMAT", "hub", "TRACKING", "false"));
        assertEquals(0, LocalModeTest.run(env));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, String> detectEnv = new HashMap<>(env);
        detectEnv.remove("RESULT_FORMAT");
        assertEquals(0, DetectCommand.run(detectEnv, List.of(recording), "hub", null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        assertEquals(LocalModeTest.lines(dir.resolve("results.jsonl")).get(0),
                LocalModeTest.JSON.readTree(out.toString(StandardCharsets.UTF_8)));
    }
}
