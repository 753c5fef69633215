package io.vaultml.test;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic detector for tests and smoke runs without a model: it reports one object, labelled
 * {@code label}, covering every pixel brighter than {@code threshold} in any channel, with confidence 0.99; a
 * frame without bright pixels has no detections. Each frame takes at least {@code delay} (a fixed-latency model).
 * Counts its calls and refuses work after {@link #close()}.
 */
public final class FakeDetector implements Detector {
    private final String label;
    private final int threshold;
    private final java.time.Duration delay;
    private final AtomicInteger frames = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    public FakeDetector() {
        this("object", 200);
    }

    public FakeDetector(String label, int threshold) {
        this(label, threshold, java.time.Duration.ZERO);
    }

    public FakeDetector(String label, int threshold, java.time.Duration delay) {
        this.label = label;
        this.threshold = threshold;
        this.delay = delay;
    }

    @Override
    public DetectorInfo info() {
        return new DetectorInfo("fake", "bright-region>" + threshold, "cpu");
    }

    @Override
    public List<Detection> detect(Frame frame) {
        if (closed.get()) {
            throw new IllegalStateException("detector is closed");
        }
        frames.incrementAndGet();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        ByteBuffer px = frame.pixels();
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = -1, maxY = -1;
        for (int y = 0; y < frame.height(); y++) {
            int row = px.position() + y * frame.width() * 3;
            for (int x = 0; x < frame.width(); x++) {
                int at = row + x * 3;
                if ((px.get(at) & 0xff) > threshold || (px.get(at + 1) & 0xff) > threshold
                        || (px.get(at + 2) & 0xff) > threshold) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        if (maxX < 0) {
            return List.of();
        }
        return List.of(new Detection(label, 0, 0.99f, new BoundingBox(minX, minY, maxX + 1, maxY + 1)));
    }

    /** Frames analysed so far. */
    public int framesSeen() {
        return frames.get();
    }

    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
