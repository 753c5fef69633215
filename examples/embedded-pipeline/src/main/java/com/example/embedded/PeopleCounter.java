package com.example.embedded;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.Delivery;
import io.vaultml.api.Detector;
import io.vaultml.api.EventSource;
import io.vaultml.api.FrameDetections;
import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.Track;
import io.vaultml.api.Tracker;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.kerberos.KerberosEvents;
import io.vaultml.vision.onnx.DecodeReport;
import io.vaultml.vision.onnx.FfmpegDecoder;
import io.vaultml.vision.onnx.Sampling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A team's own use of vault-ml, without the worker: Kerberos events from their source, the library's decoder,
 * detector and tracker, and their own output, the number of people who walked through each camera's view.
 */
public final class PeopleCounter {
    private final EventSource source;
    private final MediaFetcher fetcher;
    private final Detector detector;
    private final Tracker tracker;
    private final FfmpegDecoder decoder;
    private final Sampling sampling;
    private final Map<String, Integer> peoplePerCamera = new TreeMap<>();
    private final List<String> rejected = new ArrayList<>();

    public PeopleCounter(EventSource source, MediaFetcher fetcher, Detector detector, Tracker tracker,
            FfmpegDecoder decoder, Sampling sampling) {
        this.source = source;
        this.fetcher = fetcher;
        this.detector = detector;
        this.tracker = tracker;
        this.decoder = decoder;
        this.sampling = sampling;
    }

    /** Processes events until the source has been quiet for {@code idle}. */
    public void drain(Duration idle) {
        List<Delivery> batch;
        while (!(batch = source.poll(idle)).isEmpty()) {
            for (Delivery delivery : batch) {
                try {
                    for (RecordingEvent event : KerberosEvents.parse(delivery.payload())) {
                        count(event);
                    }
                } catch (UnprocessableInputException e) {
                    rejected.add(e.getMessage()); // this team just keeps a list; the worker dead-letters instead
                }
                source.complete(delivery);
            }
        }
    }

    private void count(RecordingEvent event) {
        Media media = fetcher.fetch(event);
        List<FrameDetections> frames = new ArrayList<>();
        DecodeReport report = decoder.decode(media, sampling,
                frame -> frames.add(new FrameDetections(frame.index(), frame.timestampMicros(), detector.detect(frame))));
        List<Track> tracks = tracker.track(frames, report.video());
        AnalysisResult result = new AnalysisResult(event, report.video(), frames, tracks, true, detector.info(),
                Duration.ZERO);
        long people = result.movingTracks().stream().filter(t -> t.label().equals("person")).count();
        peoplePerCamera.merge(event.cameraName(), (int) people, Integer::sum);
    }

    public Map<String, Integer> peoplePerCamera() {
        return Map.copyOf(peoplePerCamera);
    }

    public List<String> rejected() {
        return List.copyOf(rejected);
    }
}
