package io.vaultml.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.EventSource;
import io.vaultml.api.Forwarder;
import io.vaultml.api.Frame;
import io.vaultml.api.RetriableException;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.api.spi.DetectorProvider;
import io.vaultml.api.spi.Providers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FakesHonourTheContractsTest {

    @Nested
    class FakeDetectorContract extends DetectorContract {
        @Override
        protected Detector newDetector() {
            return new FakeDetector();
        }

        @Override
        protected Frame frameWithObjects() {
            return Frames.withWhiteBox(0, 64, 48, 10, 5, 30, 25);
        }
    }

    @Nested
    class InMemorySourceContract extends EventSourceContract {
        private final InMemoryEventSource queue = new InMemoryEventSource();

        @Override
        protected EventSource openSource() {
            queue.reopen();
            return queue;
        }

        @Override
        protected void publish(byte[] body) {
            queue.offer(body);
        }
    }

    @Nested
    class RecordingForwarderContract extends ForwarderContract {
        private final RecordingForwarder forwarder = new RecordingForwarder();

        @Override
        protected Forwarder newForwarder() {
            return forwarder;
        }

        @Override
        protected List<Map.Entry<String, byte[]>> readBack() {
            return forwarder.results().stream().map(m -> Map.entry(m.key(), m.body())).toList();
        }
    }

    @Test
    void fakeDetectorFindsTheBrightBox() {
        List<Detection> found = new FakeDetector().detect(Frames.withWhiteBox(0, 64, 48, 10, 5, 30, 25));
        assertEquals(1, found.size());
        assertEquals(10, found.get(0).box().x1());
        assertEquals(5, found.get(0).box().y1());
        assertEquals(30, found.get(0).box().x2());
        assertEquals(25, found.get(0).box().y2());
        assertTrue(new FakeDetector().detect(Frames.black(8, 8)).isEmpty());
    }

    @Test
    void fakeIsRegisteredThroughServiceLoaderAndOnlyChosenByName() {
        Providers<DetectorProvider> providers = Providers.load(DetectorProvider.class);
        assertTrue(providers.names().contains("fake"), providers.names().toString());
        DetectorProvider fake = providers.select("fake", null);
        var config = fake.configDef().parse(ConfigSource.of(Map.of("FAKE_DETECTOR_LABEL", "person")));
        try (Detector d = fake.create(config)) {
            assertEquals("person", d.detect(Frames.withWhiteBox(0, 8, 8, 1, 1, 3, 3)).get(0).label());
        }
        assertEquals(Integer.MIN_VALUE, fake.priority());
    }

    @Test
    void recordingForwarderFailsWhenAsked() {
        RecordingForwarder f = new RecordingForwarder();
        f.failNext(1);
        assertThrows(RetriableException.class, () -> f.forward(ForwarderContract.message("k", "{}")));
        f.forward(ForwarderContract.message("k", "{}"));
        assertEquals(1, f.results().size());
    }

    @Test
    void testDataIsFoundBesideTheCheckout() {
        var model = TestData.require("models/coco.names");
        assertTrue(model.toFile().length() > 0);
    }
}
