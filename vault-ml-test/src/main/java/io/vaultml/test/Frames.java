package io.vaultml.test;

import io.vaultml.api.Frame;
import java.nio.ByteBuffer;

/** Synthetic frames for tests. */
public final class Frames {
    private Frames() {
    }

    /** A black BGR frame in a direct buffer. */
    public static Frame black(int width, int height) {
        return new Frame(0, 0, width, height, ByteBuffer.allocateDirect(width * height * 3));
    }

    /** A black frame with a white rectangle from (x1, y1) inclusive to (x2, y2) exclusive. */
    public static Frame withWhiteBox(long index, int width, int height, int x1, int y1, int x2, int y2) {
        ByteBuffer pixels = ByteBuffer.allocateDirect(width * height * 3);
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                int at = (y * width + x) * 3;
                pixels.put(at, (byte) 255).put(at + 1, (byte) 255).put(at + 2, (byte) 255);
            }
        }
        return new Frame(index, index * 100_000, width, height, pixels);
    }
}
