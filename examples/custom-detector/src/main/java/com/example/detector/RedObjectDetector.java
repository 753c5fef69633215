package com.example.detector;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Finds the region of strongly red pixels (a red car, a fire hydrant, a warning light) in pure Java. It stands for
 * whatever a team plugs in: a model of their own, a call to another service, a rule.
 */
public final class RedObjectDetector implements Detector {
    private final int minPixels;
    private volatile boolean closed;

    public RedObjectDetector(int minPixels) {
        this.minPixels = minPixels;
    }

    @Override
    public DetectorInfo info() {
        return new DetectorInfo("red-object", "rgb-threshold", "cpu");
    }

    @Override
    public List<Detection> detect(Frame frame) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        ByteBuffer px = frame.pixels();
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1, count = 0;
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                int at = px.position() + (y * frame.width() + x) * 3;
                int b = px.get(at) & 0xff, g = px.get(at + 1) & 0xff, r = px.get(at + 2) & 0xff;
                if (r > 150 && r > 2 * g && r > 2 * b) {
                    count++;
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (count < minPixels) {
            return List.of();
        }
        double area = (double) (maxX - minX + 1) * (maxY - minY + 1);
        float confidence = (float) Math.min(1.0, count / area);
        return List.of(new Detection("red-object", -1, confidence, new BoundingBox(minX, minY, maxX + 1, maxY + 1)));
    }

    @Override
    public void close() {
        closed = true;
    }
}
