package io.vaultml.vision.onnx;

import io.vaultml.api.BoundingBox;
import io.vaultml.api.DominantColor;
import io.vaultml.api.Frame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.core.TermCriteria;
import org.opencv.imgproc.Imgproc;

/**
 * The main colours of an object in a frame: the central part of its box (where the object is, not the background
 * its box corners show) shrunk to at most {@value #SAMPLE_SIDE} pixels a side, clustered with k-means in BGR, each
 * cluster named with a small fixed palette from its HLS values. Thread-safe (no shared state).
 */
public final class DominantColors {
    /** Side of the shrunken crop the clusters are computed on: 1024 pixels at most, enough for a few colours. */
    static final int SAMPLE_SIDE = 32;

    private DominantColors() {
    }

    /** Up to {@code k} colours of the object in {@code box}, the most common first; empty for a degenerate box. */
    public static List<DominantColor> find(Frame frame, BoundingBox box, int k) {
        // The central 60 % of the width and 70 % of the height: the object's own pixels, mostly.
        double cx = box.centerX();
        double cy = box.centerY();
        int x1 = clamp(cx - 0.3 * box.width(), frame.width());
        int x2 = clamp(cx + 0.3 * box.width(), frame.width());
        int y1 = clamp(cy - 0.35 * box.height(), frame.height());
        int y2 = clamp(cy + 0.35 * box.height(), frame.height());
        if (x2 - x1 < 2 || y2 - y1 < 2) {
            return List.of();
        }
        Mat image = OpenCv.wrap(frame);
        Mat crop = image.submat(new Rect(x1, y1, x2 - x1, y2 - y1));
        Mat small = new Mat();
        Mat samples = new Mat();
        Mat labels = new Mat();
        Mat centers = new Mat();
        try {
            double scale = Math.min(1.0, (double) SAMPLE_SIDE / Math.max(crop.cols(), crop.rows()));
            Imgproc.resize(crop, small, new Size(Math.max(1, Math.round(crop.cols() * scale)),
                    Math.max(1, Math.round(crop.rows() * scale))), 0, 0, Imgproc.INTER_AREA);
            small.reshape(1, small.rows() * small.cols()).convertTo(samples, CvType.CV_32F);
            int clusters = Math.min(k, samples.rows());
            Core.kmeans(samples, clusters, labels, new TermCriteria(TermCriteria.EPS + TermCriteria.MAX_ITER, 10, 1.0),
                    2, Core.KMEANS_PP_CENTERS, centers);
            int[] counts = new int[clusters];
            int[] assigned = new int[labels.rows()];
            labels.get(0, 0, assigned);
            for (int a : assigned) {
                counts[a]++;
            }
            List<DominantColor> out = new ArrayList<>(clusters);
            for (int c = 0; c < clusters; c++) {
                if (counts[c] == 0) {
                    continue;
                }
                float[] bgr = new float[3];
                centers.get(c, 0, bgr);
                out.add(describe(Math.round(bgr[0]), Math.round(bgr[1]), Math.round(bgr[2]),
                        (double) counts[c] / assigned.length));
            }
            out.sort(Comparator.comparingDouble(DominantColor::share).reversed());
            return out;
        } finally {
            centers.release();
            labels.release();
            samples.release();
            small.release();
            crop.release();
            image.release();
        }
    }

    /** A colour from its BGR value: its HLS value and palette name. */
    static DominantColor describe(int b, int g, int r, double share) {
        Mat pixel = new Mat(1, 1, CvType.CV_8UC3);
        Mat hls = new Mat();
        try {
            pixel.put(0, 0, new byte[] {(byte) clamp8(b), (byte) clamp8(g), (byte) clamp8(r)});
            Imgproc.cvtColor(pixel, hls, Imgproc.COLOR_BGR2HLS);
            byte[] v = new byte[3];
            hls.get(0, 0, v);
            int h = v[0] & 0xff;
            int l = v[1] & 0xff;
            int s = v[2] & 0xff;
            return new DominantColor(clamp8(b), clamp8(g), clamp8(r), h, l, s, name(h, l, s), share);
        } finally {
            hls.release();
            pixel.release();
        }
    }

    /**
     * The palette: black, white and grey for dark, light and unsaturated colours; otherwise by hue (OpenCV's
     * half-degrees): red, orange (brown when dark), yellow, green, cyan, blue, purple, pink.
     */
    static String name(int hue, int lightness, int saturation) {
        if (lightness < 45) {
            return "black";
        }
        if (lightness > 215) {
            return "white";
        }
        if (saturation < 40 || (saturation < 70 && (lightness < 70 || lightness > 190))) {
            return lightness < 80 ? "black" : lightness > 180 ? "white" : "grey";
        }
        int degrees = hue * 2;
        if (degrees < 15 || degrees >= 340) {
            return "red";
        }
        if (degrees < 40) {
            return lightness < 110 ? "brown" : "orange";
        }
        if (degrees < 70) {
            return "yellow";
        }
        if (degrees < 160) {
            return "green";
        }
        if (degrees < 200) {
            return "cyan";
        }
        if (degrees < 260) {
            return "blue";
        }
        if (degrees < 290) {
            return "purple";
        }
        return "pink";
    }

    private static int clamp(double v, int max) {
        return (int) Math.max(0, Math.min(max, Math.round(v)));
    }

    private static int clamp8(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
