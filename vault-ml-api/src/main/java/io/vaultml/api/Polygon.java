package io.vaultml.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A simple polygon in coordinates normalised to the frame: x and y from 0 (left, top) to 1 (right, bottom), so a
 * zone drawn once survives a change of resolution.
 *
 * @param points the corners, in order, at least three; the last connects back to the first
 */
public record Polygon(List<Point> points) {

    /** One corner, normalised to the frame. */
    public record Point(double x, double y) {
    }

    public Polygon {
        Objects.requireNonNull(points, "points");
        points = List.copyOf(points);
    }

    /** {@code [[x, y], ...]}, as a zones file writes them. */
    public static Polygon of(double[]... corners) {
        List<Point> points = new ArrayList<>();
        for (double[] c : corners) {
            points.add(new Point(c[0], c[1]));
        }
        return new Polygon(points);
    }

    /** Whether the normalised point lies inside (even-odd rule; a point on an edge may go either way). */
    public boolean contains(double x, double y) {
        boolean inside = false;
        for (int i = 0, j = points.size() - 1; i < points.size(); j = i++) {
            Point a = points.get(i);
            Point b = points.get(j);
            if ((a.y() > y) != (b.y() > y) && x < (b.x() - a.x()) * (y - a.y()) / (b.y() - a.y()) + a.x()) {
                inside = !inside;
            }
        }
        return inside;
    }

    /**
     * Whether the bottom centre of {@code box} (where an object stands), in pixels of a {@code width} x
     * {@code height} frame, lies inside.
     */
    public boolean containsFootOf(BoundingBox box, int width, int height) {
        if (width <= 0 || height <= 0) {
            return false;
        }
        // Detectors clamp boxes to the frame, so an object cut by the bottom edge stands at exactly 1.0, which the
        // even-odd rule counts as outside every polygon (no corner lies below it): keep the point just inside.
        double edge = Math.nextDown(1.0);
        return contains(Math.min(box.centerX() / width, edge), Math.min(box.y2() / height, edge));
    }

    /** The area (shoelace formula), in the frame's fraction: 0 for a degenerate polygon. */
    public double area() {
        double twice = 0;
        for (int i = 0, j = points.size() - 1; i < points.size(); j = i++) {
            twice += points.get(j).x() * points.get(i).y() - points.get(i).x() * points.get(j).y();
        }
        return Math.abs(twice) / 2;
    }

    /** Whether two edges that do not share a corner cross: a polygon that does is not simple. */
    public boolean selfIntersecting() {
        int n = points.size();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                boolean adjacent = j == i + 1 || (i == 0 && j == n - 1);
                if (!adjacent && cross(points.get(i), points.get((i + 1) % n), points.get(j), points.get((j + 1) % n))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean cross(Point a, Point b, Point c, Point d) {
        double d1 = side(c, d, a);
        double d2 = side(c, d, b);
        double d3 = side(a, b, c);
        double d4 = side(a, b, d);
        return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
    }

    private static double side(Point from, Point to, Point p) {
        return (to.x() - from.x()) * (p.y() - from.y()) - (to.y() - from.y()) * (p.x() - from.x());
    }
}
