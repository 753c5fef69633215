package com.example.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.test.InMemoryEventSource;
import io.vaultml.test.TestData;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.TrackerSettings;
import io.vaultml.vision.onnx.DecoderOptions;
import io.vaultml.vision.onnx.FfmpegDecoder;
import io.vaultml.vision.onnx.OnnxYoloDetector;
import io.vaultml.vision.onnx.Sampling;
import io.vaultml.vision.onnx.YoloOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeopleCounterTest {

    static String event(String camera, String file) {
        return "{\"source\":\"local\",\"payload\":{\"key\":\"" + file + "\",\"metadata\":{\"event-instancename\":\""
                + camera + "\"}}}";
    }

    @Test
    void countsPeopleWalkingThroughEachCamera() {
        Path videos = TestData.require("videos/kerberos");
        MediaFetcher fromDisk = event -> {
            try {
                return Media.of(event.key(), Files.readAllBytes(videos.resolve(event.key())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        InMemoryEventSource source = new InMemoryEventSource();
        source.offer(event("campus", "1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4"));
        source.offer(event("parking", "1700000100_3-500_parking_0-0-768-432_37_0.mp4"));
        source.offer("{\"payload\":{}}");
        try (OnnxYoloDetector detector = OnnxYoloDetector.open(YoloOptions.of(TestData.require("models/yolox_nano.onnx"))
                .withConfidence(0.4f).withAllowedClasses(List.of("person")))) {
            PeopleCounter counter = new PeopleCounter(source, fromDisk, detector,
                    new CentroidTracker(TrackerSettings.defaults().withMinSightings(4)),
                    new FfmpegDecoder(DecoderOptions.defaults()), Sampling.rate(2, 60));
            counter.drain(Duration.ofMillis(300));
            assertTrue(counter.peoplePerCamera().get("campus") >= 3, counter.peoplePerCamera().toString());
            assertEquals(0, counter.peoplePerCamera().get("parking"));
            assertEquals(List.of("Event has no payload.key (the recording to analyse)"), counter.rejected());
            assertEquals(3, source.completed().size());
        }
    }
}
