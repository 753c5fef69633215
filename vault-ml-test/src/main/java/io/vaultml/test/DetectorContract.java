package io.vaultml.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.Frame;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Detector} must do. Extend it in the implementation's tests and supply a detector and a frame
 * in which it finds at least one object.
 */
public abstract class DetectorContract {

    /** A fresh detector; the test closes it. */
    protected abstract Detector newDetector();

    /** A frame (or decoded image) in which the detector finds at least one object. */
    protected abstract Frame frameWithObjects();

    /** How far outside the frame a box may reach, in pixels (models predict boxes past the border). */
    protected double boxTolerance() {
        return 16;
    }

    @Test
    void describesItself() {
        try (Detector d = newDetector()) {
            assertFalse(d.info().provider().isBlank());
            assertFalse(d.info().model().isBlank());
            assertFalse(d.info().device().isBlank());
        }
    }

    @Test
    void findsObjectsWithBoxesInFramePixels() {
        Frame frame = frameWithObjects();
        try (Detector d = newDetector()) {
            List<Detection> found = d.detect(frame);
            assertFalse(found.isEmpty(), "expected detections in " + frame);
            double tol = boxTolerance();
            for (Detection det : found) {
                assertTrue(det.box().x1() >= -tol && det.box().y1() >= -tol
                        && det.box().x2() <= frame.width() + tol && det.box().y2() <= frame.height() + tol,
                        "box outside the " + frame.width() + "x" + frame.height() + " frame: " + det);
            }
            for (int i = 1; i < found.size(); i++) {
                assertTrue(found.get(i - 1).confidence() >= found.get(i).confidence(),
                        "detections must be ordered by confidence: " + found);
            }
        }
    }

    @Test
    void doesNotModifyTheFrame() {
        Frame frame = frameWithObjects();
        byte[] before = copy(frame.pixels());
        try (Detector d = newDetector()) {
            d.detect(frame);
        }
        assertArrayEquals(before, copy(frame.pixels()));
    }

    @Test
    void batchGivesTheSameAnswerAsOneByOne() {
        Frame frame = frameWithObjects();
        Frame blank = Frames.black(frame.width(), frame.height());
        try (Detector d = newDetector()) {
            List<Detection> single = d.detect(frame);
            List<List<Detection>> batch = d.detectAll(List.of(frame, blank, frame));
            assertEquals(3, batch.size());
            assertSameDetections(single, batch.get(0));
            assertSameDetections(single, batch.get(2));
        }
    }

    @Test
    void closeIsIdempotent() {
        Detector d = newDetector();
        d.close();
        assertDoesNotThrow(d::close);
    }

    private static void assertSameDetections(List<Detection> expected, List<Detection> actual) {
        assertEquals(expected.size(), actual.size(), "detection count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).label(), actual.get(i).label());
            assertEquals(expected.get(i).confidence(), actual.get(i).confidence(), 1e-3);
            assertTrue(expected.get(i).box().iou(actual.get(i).box()) > 0.99, expected.get(i) + " vs " + actual.get(i));
        }
    }

    private static byte[] copy(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
