package com.example.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detector;
import io.vaultml.api.Frame;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.DetectorContract;
import io.vaultml.test.TestData;
import io.vaultml.worker.WorkerApp;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedObjectDetectorTest extends DetectorContract {

    static Frame redSquare() {
        ByteBuffer px = ByteBuffer.allocateDirect(64 * 48 * 3);
        for (int y = 10; y < 30; y++) {
            for (int x = 20; x < 40; x++) {
                px.put((y * 64 + x) * 3 + 2, (byte) 220);
            }
        }
        return new Frame(0, 0, 64, 48, px);
    }

    @Override
    protected Detector newDetector() {
        return new RedObjectDetector(50);
    }

    @Override
    protected Frame frameWithObjects() {
        return redSquare();
    }

    @Test
    void findsTheRedSquare() {
        var found = newDetector().detect(redSquare());
        assertEquals(1, found.size());
        assertEquals(20, found.get(0).box().x1());
        assertEquals(40, found.get(0).box().x2());
    }

    @Test
    void theWorkerDiscoversThePluginAndSelectsItByName(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        String clip = "1700000400_1-0_office_300-50-250-380_12_0.mp4";
        Files.copy(TestData.require("videos/kerberos/" + clip), in.resolve(clip));
        Path results = dir.resolve("results.jsonl");
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(Map.of("WATCH_DIR", in.toString(),
                "STATE_DIR", dir.resolve("state").toString(), "RESULTS_FILE", results.toString(),
                "METRICS_PORT", "0", "RUN_ONCE", "true", "DETECTOR", "red-object", "RED_OBJECT_MIN_PIXELS", "20")))) {
            assertEquals(0, app.run());
        }
        List<String> lines = Files.readAllLines(results);
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("\"key\":\"" + clip + "\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"operation\":\"classification\""));
    }
}
