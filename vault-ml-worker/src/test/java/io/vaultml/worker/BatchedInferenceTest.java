package io.vaultml.worker;

import static io.vaultml.worker.LocalModeTest.env;
import static io.vaultml.worker.LocalModeTest.lines;
import static io.vaultml.worker.LocalModeTest.stage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vaultml.test.TestData;
import io.vaultml.vision.onnx.models.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker with a model that has a dynamic batch dimension: frames of a recording (and of recordings in flight)
 * share inferences, and the results are those of the same model one frame at a time.
 */
class BatchedInferenceTest {

    @Test
    void framesShareInferencesAndResultsMatchOneFrameAtATime(@TempDir Path dir) throws Exception {
        Path dynamic = Files.write(dir.resolve("yolox_dynamic.onnx"), OnnxModels.withDynamicBatch(
                Files.readAllBytes(TestData.require("models/yolox_nano.onnx"))));
        Map<String, String> common = Map.of("NUMBER_OF_PREDICTIONS", "6", "TRACKING", "false", "CONCURRENCY", "2");

        Path single = Files.createDirectories(dir.resolve("single"));
        stage(single);
        Map<String, Long> singleMetrics = runAndScrape(env(single, common));

        Path batched = Files.createDirectories(dir.resolve("batched"));
        stage(batched);
        Map<String, String> batchedEnv = new HashMap<>(common);
        batchedEnv.put("MODEL_PATH", dynamic.toString());
        batchedEnv.put("INFERENCE_BATCH_SIZE", "4");
        Map<String, Long> batchedMetrics = runAndScrape(env(batched, batchedEnv));

        assertEquals(12, singleMetrics.get("vaultml_frames_analysed_total"));
        assertEquals(12, singleMetrics.get("vaultml_inference_batch_seconds_count"), "batch 1: one inference a frame");
        assertEquals(12, batchedMetrics.get("vaultml_frames_analysed_total"));
        long inferences = batchedMetrics.get("vaultml_inference_batch_seconds_count");
        // How many frames share an inference depends on decoding outpacing inference on the machine (3 to 6 seen
        // on 2 cores), so it is printed, not asserted; SharedDetectorTest pins the batching with a detector it holds.
        // What this test asserts is the model's: batches of up to 4 give the results of one frame at a time.
        assertTrue(inferences >= 3 && inferences <= 12, "12 frames at batch 4 took " + inferences + " inferences");
        System.out.printf("BatchedInferenceTest: 12 frames in %d inferences at INFERENCE_BATCH_SIZE=4%n", inferences);

        List<JsonNode> expected = sorted(lines(single.resolve("results.jsonl")));
        List<JsonNode> actual = sorted(lines(batched.resolve("results.jsonl")));
        assertEquals(2, expected.size());
        assertEquals(2, actual.size());
        for (int r = 0; r < expected.size(); r++) {
            JsonNode e = expected.get(r).get("data");
            JsonNode a = actual.get(r).get("data");
            assertEquals(e.get("labels"), a.get("labels"), "labels per frame");
            assertEquals(6, a.get("labels").size());
            for (int f = 0; f < 6; f++) {
                for (int d = 0; d < e.at("/probabilities/" + f).size(); d++) {
                    assertEquals(e.at("/probabilities/" + f + "/" + d).asDouble(),
                            a.at("/probabilities/" + f + "/" + d).asDouble(), 1e-3);
                    for (int c = 0; c < 4; c++) {
                        String at = "/boxes/" + f + "/" + d + "/" + c;
                        assertEquals(e.at(at).asInt(), a.at(at).asInt(), 1, at);
                    }
                }
            }
        }
    }

    private static List<JsonNode> sorted(List<JsonNode> results) {
        return results.stream().sorted(Comparator.comparing(r -> r.at("/payload/key").asText())).toList();
    }

    private static Map<String, Long> runAndScrape(Map<String, String> env) throws Exception {
        String body = LocalModeTest.runAndScrape(env);
        Map<String, Long> values = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^(vaultml_frames_analysed_total|vaultml_inference_batch_seconds_count) "
                + "([0-9.]+)$").matcher(body);
        while (m.find()) {
            values.put(m.group(1), (long) Double.parseDouble(m.group(2)));
        }
        return values;
    }
}
