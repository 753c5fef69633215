package io.vaultml.worker;

import io.vaultml.analysis.StationaryMemory;
import io.vaultml.api.CameraZones;
import io.vaultml.api.Detection;
import io.vaultml.api.Frame;
import io.vaultml.api.Polygon;
import io.vaultml.api.Track;
import io.vaultml.api.TrackPoint;
import io.vaultml.vision.onnx.OpenCv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;

/**
 * Draws detections (box, label, score), track trails, the camera's zones and masks, and static objects (dimmed)
 * onto frames and writes them as JPEGs: to tune a zones file by looking.
 */
final class Annotator {
    private static final Scalar[] PALETTE = {new Scalar(56, 56, 255), new Scalar(151, 157, 255),
        new Scalar(31, 112, 255), new Scalar(29, 178, 255), new Scalar(49, 210, 207), new Scalar(10, 249, 72),
        new Scalar(23, 204, 146), new Scalar(134, 219, 61), new Scalar(211, 188, 0), new Scalar(255, 115, 100)};
    private final Path directory;

    Annotator(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Scalar ZONE = new Scalar(0, 215, 255);
    private static final Scalar DIMMED = new Scalar(128, 128, 128);

    /** Draws a normalised polygon in the frame's pixels; returns where its name goes (its first corner). */
    private static Point outline(Mat image, Polygon polygon, Frame frame, Scalar colour, int thickness) {
        List<Point> corners = polygon.points().stream()
                .map(p -> new Point(p.x() * (frame.width() - 1), p.y() * (frame.height() - 1))).toList();
        Imgproc.polylines(image, List.of(new MatOfPoint(corners.toArray(Point[]::new))), true, colour, thickness);
        Point first = corners.get(0);
        return new Point(first.x + 4, Math.max(16, first.y + 16));
    }

    /**
     * Whether a detection is one of a static object (parked, or not seen to move): of its kind and where a track
     * that is not moving stood. A parked object's one-sighting track has a point in one frame only; it stands in
     * the same place in the others, so the box is matched by overlap, not by frame.
     */
    static boolean standsStill(Detection d, List<Track> tracks) {
        return tracks.stream().filter(t -> !t.moving() && StationaryMemory.sameKind(t.label(), d.label()))
                .flatMap(t -> t.points().stream()).anyMatch(p -> p.box().iou(d.box()) >= StationaryMemory.MATCH_IOU);
    }


    void draw(Path source, Frame frame, List<Detection> detections, List<Track> tracks) {
        draw(source, frame, detections, tracks, CameraZones.NONE);
    }

    /** As above, with the camera's zones (yellow, named) and masks (grey) drawn first, and static objects dimmed. */
    void draw(Path source, Frame frame, List<Detection> detections, List<Track> tracks, CameraZones zones) {
        Mat image = OpenCv.wrap(frame);
        try {
            int thickness = Math.max(2, frame.width() / 400);
            double font = Math.max(0.5, frame.width() / 1200.0);
            for (CameraZones.Zone zone : zones.zones()) {
                Point at = outline(image, zone.area(), frame, ZONE, thickness);
                Imgproc.putText(image, zone.name(), at, Imgproc.FONT_HERSHEY_SIMPLEX, font, ZONE, thickness / 2 + 1);
            }
            for (Polygon mask : zones.masks()) {
                Point at = outline(image, mask, frame, DIMMED, thickness);
                Imgproc.putText(image, "mask", at, Imgproc.FONT_HERSHEY_SIMPLEX, font, DIMMED, thickness / 2 + 1);
            }
            for (Track track : tracks) {
                Scalar colour = PALETTE[track.id() % PALETTE.length];
                Point previous = null;
                for (TrackPoint p : track.points()) {
                    if (p.frameIndex() > frame.index()) {
                        break;
                    }
                    Point c = new Point(p.box().centerX(), p.box().centerY());
                    if (previous != null) {
                        Imgproc.line(image, previous, c, colour, thickness);
                    }
                    previous = c;
                }
                if (previous != null && track.points().stream().anyMatch(p -> p.frameIndex() == frame.index())) {
                    Imgproc.putText(image, "#" + track.id() + (track.moving() ? "" : " static"),
                            new Point(previous.x + 4, previous.y - 4), Imgproc.FONT_HERSHEY_SIMPLEX, font, colour, thickness / 2 + 1);
                }
            }
            for (Detection d : detections) {
                boolean still = standsStill(d, tracks);
                Scalar colour = still ? DIMMED : PALETTE[Math.max(0, d.classId()) % PALETTE.length];
                Point topLeft = new Point(d.box().x1(), d.box().y1());
                Imgproc.rectangle(image, topLeft, new Point(d.box().x2(), d.box().y2()), colour, thickness);
                String label = String.format(Locale.ROOT, "%s%s %.2f", still ? "static " : "", d.label(),
                        d.confidence());
                Imgproc.putText(image, label, new Point(d.box().x1() + 2, Math.max(14 * font, d.box().y1() - 4)),
                        Imgproc.FONT_HERSHEY_SIMPLEX, font, colour, thickness / 2 + 1);
            }
            String name = source.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            Path out = directory.resolve(String.format(Locale.ROOT, "%s_%06d.jpg", name, frame.index()));
            if (!Imgcodecs.imwrite(out.toString(), image)) {
                throw new UncheckedIOException(new IOException("cannot write " + out));
            }
        } finally {
            image.release();
        }
    }
}
