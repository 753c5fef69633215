package io.vaultml.video;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * A recording's video frames as the container lists them, learnt without decoding: every frame's timestamp in
 * display order, and which of them are keyframes (where decoding can start).
 *
 * @param pts presentation timestamps, ascending, in the stream's time base
 * @param keys the keyframes' timestamps
 */
record PacketIndex(long[] pts, TreeSet<Long> keys) {

    /** From the scanned packets, {timestamp, 1 if key else 0} each, in any order. */
    static PacketIndex of(java.util.List<long[]> packets) {
        packets.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] pts = new long[packets.size()];
        TreeSet<Long> keys = new TreeSet<>();
        for (int i = 0; i < pts.length; i++) {
            pts[i] = packets.get(i)[0];
            if (packets.get(i)[1] == 1) {
                keys.add(pts[i]);
            }
        }
        if (keys.isEmpty() && pts.length > 0) {
            keys.add(pts[0]); // decoding has to start somewhere
        }
        return new PacketIndex(pts, keys);
    }

    /**
     * Frames per second: the container's average rate, else its base rate, else what the timestamps say, else 0.
     */
    double frameRate(double averageRate, double baseRate, double timeBase) {
        for (double fps : new double[] {averageRate, baseRate,
                pts.length > 1 ? (pts.length - 1) / ((pts[pts.length - 1] - pts[0]) * timeBase) : 0}) {
            if (fps > 0 && !Double.isInfinite(fps)) {
                return fps;
            }
        }
        return 0;
    }

    /** From the first to the last timestamp, for containers that do not say. */
    long durationMicros(double timeBase) {
        return Math.round((pts[pts.length - 1] - pts[0]) * timeBase * 1e6);
    }

    /** The keyframe at or before {@code ts} (the first keyframe when there is none before). */
    long keyAtOrBefore(long ts) {
        Long k = keys.floor(ts);
        return k != null ? k : keys.first();
    }

    /** The position of the keyframe nearest to the frame at {@code position}. */
    int nearestKeyPosition(int position) {
        long ts = pts[position];
        Long before = keys.floor(ts);
        Long after = keys.ceiling(ts);
        long best = before == null ? after : after == null ? before : (ts - before <= after - ts ? before : after);
        return positionOf(best, position);
    }

    /** Position of a timestamp; {@code hint} when it is not in the index (a frame the scan did not see). */
    int positionOf(long ts, int hint) {
        int found = Arrays.binarySearch(pts, ts);
        return found >= 0 ? found : hint;
    }
}
