package io.vaultml.api;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One decoded video frame (or still image) as packed 8-bit BGR pixels, row-major, {@code width * 3} bytes per
 * row and no padding.
 *
 * <p>Ownership: the pixel buffer belongs to whoever created the frame (normally the decoder, which may back it
 * with native memory and reuse it for the next frame). A consumer such as a {@link Detector} reads it only
 * during the call it receives it in, never modifies it and never keeps a reference. The buffer is usually a
 * direct buffer, so a native library can wrap it without a copy.
 *
 * @param index the frame's index in the original video (0-based), or 0 for a still image
 * @param timestampMicros presentation time from the start of the recording, in microseconds
 * @param width pixels per row, &gt; 0
 * @param height rows, &gt; 0
 * @param pixels {@code width * height * 3} bytes of BGR, position 0
 */
public record Frame(long index, long timestampMicros, int width, int height, ByteBuffer pixels) {

    public Frame {
        Objects.requireNonNull(pixels, "pixels");
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("frame size must be positive, was " + width + "x" + height);
        }
        long needed = (long) width * height * 3;
        if (pixels.remaining() < needed) {
            throw new IllegalArgumentException(
                    "a " + width + "x" + height + " BGR frame needs " + needed + " bytes, got " + pixels.remaining());
        }
    }

    /** Presentation time in seconds. */
    /**
     * A frame with its own copy of the pixels (direct, as the decoder's): for keeping a frame after the callback
     * that got it returned, when the decoder reuses its buffer.
     */
    public Frame copy() {
        ByteBuffer source = pixels.duplicate();
        source.limit(source.position() + width * height * 3);
        ByteBuffer own = ByteBuffer.allocateDirect(width * height * 3);
        own.put(source).flip();
        return new Frame(index, timestampMicros, width, height, own);
    }

    public double timestampSeconds() {
        return timestampMicros / 1_000_000.0;
    }

    @Override
    public String toString() {
        return "Frame[index=" + index + ", t=" + timestampMicros + "us, " + width + "x" + height + "]";
    }
}
