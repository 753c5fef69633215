package io.vaultml.vision.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detector;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import io.vaultml.test.FakeDetector;
import io.vaultml.test.TestData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ServiceLoader discovery across jars: this module's providers plus the test kit's "fake" one. */
class DetectorSelectionTest {
    static final Providers<DetectorProvider> PROVIDERS = Providers.load(DetectorProvider.class);

    static Config config(Map<String, String> env) {
        ConfigDef def = new ConfigDef();
        PROVIDERS.all().forEach(p -> def.include(p.configDef()));
        return def.parse(ConfigSource.of(env));
    }

    @Test
    void allProvidersAreDiscovered() {
        assertTrue(PROVIDERS.names().containsAll(java.util.List.of("fake", "hog", "onnx-yolo")), PROVIDERS.names().toString());
        assertTrue(PROVIDERS.loadErrors().isEmpty(), PROVIDERS.loadErrors().toString());
    }

    @Test
    void withoutAModelTheHogFallbackIsChosen() {
        Config c = config(Map.of());
        DetectorProvider chosen = PROVIDERS.select(null, c);
        assertEquals("hog", chosen.name());
    }

    @Test
    void aConfiguredModelWinsByPriority() {
        Config c = config(Map.of("MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString()));
        DetectorProvider chosen = PROVIDERS.select(null, c);
        assertEquals("onnx-yolo", chosen.name());
        try (Detector d = chosen.create(c)) {
            assertEquals("yolox_nano.onnx", d.info().model());
        }
    }

    @Test
    void aDetectorFromAnotherJarIsSelectedByName() {
        Config c = config(Map.of("MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString()));
        try (Detector d = PROVIDERS.select("fake", c).create(c)) {
            assertInstanceOf(FakeDetector.class, d);
        }
    }
}
