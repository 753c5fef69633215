package io.vaultml.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Frame choice is arithmetic on the packet index: checked here without FFmpeg. */
class FramePlannerTest {
    /** 10 s at 25 fps in a 1/12800 time base (512 units a frame), a keyframe every 50 frames (2 s). */
    static final double TIME_BASE = 1.0 / 12_800;

    static PacketIndex recording(int frames, int gop) {
        long[] pts = new long[frames];
        TreeSet<Long> keys = new TreeSet<>();
        for (int i = 0; i < frames; i++) {
            pts[i] = 1024 + 512L * i; // streams need not start at zero
            if (i % gop == 0) {
                keys.add(pts[i]);
            }
        }
        return new PacketIndex(pts, keys);
    }

    @Test
    void aCountSpreadsFramesOverTheWholeRecordingEachInTheMiddleOfItsShare() {
        assertArrayEquals(new int[] {25, 75, 125, 175, 225},
                FramePlanner.targets(recording(250, 50), TIME_BASE, Sampling.count(5), SeekMode.EXACT));
        assertArrayEquals(new int[] {0, 1, 2}, FramePlanner.targets(recording(3, 50), TIME_BASE, Sampling.count(10),
                SeekMode.EXACT), "never more frames than the recording has");
    }

    @Test
    void aRateTakesTheFirstFrameAtOrAfterEachTickFromTheFirstFrameUpToTheMaximum() {
        assertArrayEquals(new int[] {0, 13, 25, 38, 50}, FramePlanner.targets(recording(250, 50), TIME_BASE,
                Sampling.rate(2, 5), SeekMode.EXACT), "every 0.5 s = 12.5 frames, rounded up to a frame");
        assertArrayEquals(new int[] {0, 25, 50, 75}, FramePlanner.targets(recording(100, 50), TIME_BASE,
                Sampling.rate(1, 100), SeekMode.EXACT), "a 4 s recording has four 1 s ticks");
    }

    @Test
    void keyframeSeekingSnapsToTheNearestKeyframeAndMergesDuplicates() {
        assertArrayEquals(new int[] {0, 50, 100, 150, 200}, FramePlanner.targets(recording(250, 50), TIME_BASE,
                Sampling.count(5), SeekMode.KEYFRAME), "25 -> 0 (a tie goes to the earlier), 75 -> 50, ...");
        assertArrayEquals(new int[] {0, 50}, FramePlanner.targets(recording(100, 50), TIME_BASE, Sampling.rate(4, 100),
                SeekMode.KEYFRAME), "16 ticks on 2 keyframes");
    }

    @Test
    void autoTakesKeyframesForACountOnlyWhenEveryFrameHasOneOfItsOwn() {
        FramePlanner.Plan spread = FramePlanner.plan(recording(250, 50), TIME_BASE, Sampling.count(5), SeekMode.AUTO);
        assertTrue(spread.keyframesOnly());
        assertArrayEquals(new int[] {0, 50, 100, 150, 200}, spread.targets());
        FramePlanner.Plan crowded = FramePlanner.plan(recording(250, 50), TIME_BASE, Sampling.count(6), SeekMode.AUTO);
        assertFalse(crowded.keyframesOnly(), "5 keyframes cannot give 6 frames: exact frames instead");
        assertArrayEquals(FramePlanner.targets(recording(250, 50), TIME_BASE, Sampling.count(6), SeekMode.EXACT),
                crowded.targets());
        FramePlanner.Plan rate = FramePlanner.plan(recording(250, 50), TIME_BASE, Sampling.rate(1, 5), SeekMode.AUTO);
        assertFalse(rate.keyframesOnly(), "rate sampling keeps its steady rate even where keyframes would do");
        assertArrayEquals(new int[] {0, 25, 50, 75, 100}, rate.targets());
    }

    @Test
    void anEmptyIndexHasNoTargets() {
        assertArrayEquals(new int[0], FramePlanner.targets(new PacketIndex(new long[0], new TreeSet<>()), TIME_BASE,
                Sampling.count(5), SeekMode.EXACT));
    }
}
