package io.vaultml.api;

/**
 * An axis-aligned box in pixels of the original image: {@code (x1, y1)} is the top-left corner,
 * {@code (x2, y2)} the bottom-right one. Coordinates may lie slightly outside the image (detectors report
 * what the model predicts), but the box is never inverted.
 */
public record BoundingBox(double x1, double y1, double x2, double y2) {

    public BoundingBox {
        if (!Double.isFinite(x1) || !Double.isFinite(y1) || !Double.isFinite(x2) || !Double.isFinite(y2)) {
            throw new IllegalArgumentException("box coordinates must be finite: " + x1 + "," + y1 + "," + x2 + "," + y2);
        }
        if (x2 < x1 || y2 < y1) {
            throw new IllegalArgumentException("inverted box: (" + x1 + "," + y1 + ")-(" + x2 + "," + y2 + ")");
        }
    }

    /** A box from its centre and size, as most detectors predict it. */
    public static BoundingBox ofCenter(double cx, double cy, double width, double height) {
        return new BoundingBox(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2);
    }

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }

    public double area() {
        return width() * height();
    }

    public double centerX() {
        return (x1 + x2) / 2;
    }

    public double centerY() {
        return (y1 + y2) / 2;
    }

    /** Euclidean distance between the centres of this box and {@code other}, in pixels. */
    public double centerDistance(BoundingBox other) {
        return Math.hypot(centerX() - other.centerX(), centerY() - other.centerY());
    }

    /** Intersection over union, in [0, 1]; 0 for boxes that do not overlap or have no area. */
    public double iou(BoundingBox other) {
        double w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        double h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double union = area() + other.area() - intersection;
        return union <= 0 ? 0 : intersection / union;
    }
}
