package io.vaultml.video;

/**
 * Which frames of a recording are analysed.
 *
 * <ul>
 *   <li>{@link Count}: the original vault-ml {@code NUMBER_OF_PREDICTIONS}: {@code n} frames spread evenly over
 *       the recording, one from the middle of each of {@code n} equal parts;</li>
 *   <li>{@link Rate}: the successor's {@code CLASSIFICATION_FPS}: a frame every {@code 1/fps} seconds from the
 *       start, at most {@code max} ({@code MAX_NUMBER_OF_PREDICTIONS}); tracking needs this steady rate.</li>
 * </ul>
 */
public sealed interface Sampling {

    record Count(int frames) implements Sampling {
        public Count {
            if (frames < 1) {
                throw new IllegalArgumentException("frames must be >= 1, was " + frames);
            }
        }
    }

    record Rate(double fps, int max) implements Sampling {
        public Rate {
            if (!(fps > 0) || Double.isInfinite(fps) || max < 1) {
                throw new IllegalArgumentException("fps must be > 0 and max >= 1, was " + fps + ", " + max);
            }
        }
    }

    static Sampling count(int frames) {
        return new Count(frames);
    }

    static Sampling rate(double fps, int max) {
        return new Rate(fps, max);
    }
}
