package io.vaultml.vision.onnx;

import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.Track;
import io.vaultml.test.TestData;
import io.vaultml.tracking.CentroidTracker;
import io.vaultml.tracking.TrackerSettings;
import io.vaultml.video.DecodeReport;
import io.vaultml.video.DecoderOptions;
import io.vaultml.video.FfmpegDecoder;
import io.vaultml.video.Sampling;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Detection plus tracking on the vtest pedestrians recording: people walk across a campus. */
class TrackingOnRealVideoTest {

    @Test
    void pedestriansBecomePlausibleMovingTracks() throws Exception {
        Path clip = TestData.require("videos/kerberos/1700000000_3-125_pedestrians_200-150-400-300_24_0.mp4");
        Media media = Media.of(clip.getFileName().toString(), Files.readAllBytes(clip));
        List<FrameDetections> frames = new ArrayList<>();
        DecodeReport report;
        try (OnnxYoloDetector detector = OnnxYoloDetector.open(YoloOptions.of(
                TestData.require("models/yolox_nano.onnx")).withConfidence(0.4f).withAllowedClasses(List.of("person")))) {
            report = new FfmpegDecoder(DecoderOptions.defaults()).decode(media, Sampling.rate(2, 60),
                    f -> frames.add(new FrameDetections(f.index(), f.timestampMicros(), detector.detect(f))));
        }
        List<Track> tracks = new CentroidTracker(TrackerSettings.defaults().withMinSightings(4)).track(frames, report.video());
        List<Track> moving = tracks.stream().filter(Track::moving).toList();
        // Several people cross the scene in 30 s; each moving track is a person followed over seconds.
        assertTrue(moving.size() >= 3, "moving tracks: " + moving.size() + " of " + tracks.size());
        for (Track t : moving) {
            assertTrue(t.label().equals("person"));
            double seconds = (t.last().timestampMicros() - t.first().timestampMicros()) / 1e6;
            assertTrue(seconds >= 1.5, "track " + t.id() + " lasts " + seconds + " s");
            double speed = t.displacement() / seconds; // pixels per second in a 768x576 frame
            assertTrue(speed > 5 && speed < 250, "track " + t.id() + " walks at " + speed + " px/s");
            assertTrue(t.pathLength() >= t.displacement());
        }
    }
}
