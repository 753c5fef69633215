package io.vaultml.api;

import java.util.Objects;

/**
 * One of the main colours of an object's pixels in one frame.
 *
 * @param blue {@code 0-255}, with {@code green} and {@code red}: the colour as BGR
 * @param hue {@code 0-179} (OpenCV's half-degrees), with {@code lightness} and {@code saturation} ({@code 0-255}):
 *     the same colour as HLS
 * @param name the nearest name of a small fixed palette, e.g. {@code blue}, {@code white}, {@code black}
 * @param share the fraction of the object's pixels closest to this colour, in (0, 1]
 */
public record DominantColor(int blue, int green, int red, int hue, int lightness, int saturation, String name,
        double share) {

    public DominantColor {
        Objects.requireNonNull(name, "name");
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in (0, 1], was " + share);
        }
    }
}
