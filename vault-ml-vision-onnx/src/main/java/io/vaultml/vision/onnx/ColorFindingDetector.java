package io.vaultml.vision.onnx;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * A detector whose detections carry their {@link DominantColors} ({@code FIND_DOMINANT_COLORS=true}). The colours
 * are found right after detection, while the frame's pixels are at hand, on the detector's own thread; a tracker
 * then keeps them per sighting. Owns the wrapped detector. Not thread-safe, like any {@link Detector}.
 */
public final class ColorFindingDetector implements Detector {
    private final Detector inner;
    private final int colors;

    /**
     * {@code detector} as the settings ask: wrapped to find three colours per object when
     * {@code FIND_DOMINANT_COLORS=true} ({@link VisionConfig#FIND_DOMINANT_COLORS} must be in the configuration's
     * definition), else as it is. The built-in providers call it; a plugin's provider may too.
     */
    public static Detector asConfigured(Detector detector, io.vaultml.api.config.Config config) {
        if (!config.get(VisionConfig.FIND_DOMINANT_COLORS)) {
            return detector;
        }
        try {
            OpenCv.require("FIND_DOMINANT_COLORS=true");
        } catch (io.vaultml.api.ConfigException e) {
            detector.close(); // it was to be owned by the wrapper
            throw e;
        }
        return new ColorFindingDetector(detector, 3);
    }

    /** @param colors how many colours per object, at most */
    public ColorFindingDetector(Detector inner, int colors) {
        this.inner = inner;
        this.colors = colors;
    }

    @Override
    public DetectorInfo info() {
        return inner.info();
    }

    @Override
    public List<String> classes() {
        return inner.classes();
    }

    @Override
    public List<Detection> detect(Frame frame) {
        return detectAll(List.of(frame)).get(0);
    }

    @Override
    public List<List<Detection>> detectAll(List<Frame> frames) {
        List<List<Detection>> found = inner.detectAll(frames);
        List<List<Detection>> out = new ArrayList<>(found.size());
        for (int i = 0; i < found.size(); i++) {
            Frame frame = frames.get(i);
            List<Detection> withColors = new ArrayList<>(found.get(i).size());
            for (Detection d : found.get(i)) {
                withColors.add(d.withColors(DominantColors.find(frame, d.box(), colors)));
            }
            out.add(withColors);
        }
        return out;
    }

    @Override
    public int preferredBatchSize() {
        return inner.preferredBatchSize();
    }

    @Override
    public void close() {
        inner.close();
    }
}
