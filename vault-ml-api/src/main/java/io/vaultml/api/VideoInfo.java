package io.vaultml.api;

import java.util.Objects;

/**
 * What the decoder learned about a recording.
 *
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param fps average frame rate, or 0 when the container does not say (stills, some broken files)
 * @param frameCount number of frames the container announces, or -1 when unknown (fragmented MP4)
 * @param durationMicros duration in microseconds, or -1 when unknown
 * @param codec decoder name, e.g. {@code h264}, {@code hevc}, {@code h264_cuvid}, {@code image}
 */
public record VideoInfo(int width, int height, double fps, long frameCount, long durationMicros, String codec) {

    public VideoInfo {
        Objects.requireNonNull(codec, "codec");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("video size must be positive, was " + width + "x" + height);
        }
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw new IllegalArgumentException("fps must be finite and >= 0, was " + fps);
        }
    }
}
