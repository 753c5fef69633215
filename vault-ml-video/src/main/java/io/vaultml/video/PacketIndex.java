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
