package io.vaultml.video;

import java.util.TreeSet;

/**
 * Which frames of a recording to analyse, from its {@link PacketIndex} alone: pure arithmetic, no FFmpeg.
 *
 * <ul>
 *   <li>{@link Sampling.Count}: {@code n} frames spread evenly, each in the middle of its share of the recording
 *       (the original NUMBER_OF_PREDICTIONS);</li>
 *   <li>{@link Sampling.Rate}: the first frame at or after every {@code 1/fps} seconds from the first frame, up to
 *       {@code max} (CLASSIFICATION_FPS, for tracking);</li>
 *   <li>{@link SeekMode#KEYFRAME} snaps each to its nearest keyframe (duplicates merge), so only keyframes are
 *       decoded;</li>
 *   <li>{@link SeekMode#AUTO} snaps count sampling to keyframes only when no two frames share one (so the
 *       recording still gives exactly {@code n} frames), and keeps exact frames otherwise and for rate
 *       sampling.</li>
 * </ul>
 */
final class FramePlanner {
    private FramePlanner() {
    }

    /**
     * The frames to decode and how to reach them.
     *
     * @param targets display-order positions of the frames to analyse, ascending and distinct
     * @param keyframesOnly every target is a keyframe, decoded alone
     */
    record Plan(int[] targets, boolean keyframesOnly) {
    }

    /** @param timeBase seconds per timestamp unit */
    static Plan plan(PacketIndex index, double timeBase, Sampling sampling, SeekMode seekMode) {
        int[] exact = exactTargets(index, timeBase, sampling);
        if (seekMode == SeekMode.EXACT || (seekMode == SeekMode.AUTO && !(sampling instanceof Sampling.Count))) {
            return new Plan(exact, false);
        }
        int[] snapped = snapToKeyframes(index, exact);
        if (seekMode == SeekMode.AUTO && snapped.length < exact.length) {
            return new Plan(exact, false); // too few keyframes for the frames asked for
        }
        return new Plan(snapped, true);
    }

    /** The positions {@link #plan} chooses. */
    static int[] targets(PacketIndex index, double timeBase, Sampling sampling, SeekMode seekMode) {
        return plan(index, timeBase, sampling, seekMode).targets();
    }

    private static int[] exactTargets(PacketIndex index, double timeBase, Sampling sampling) {
        long[] pts = index.pts();
        int total = pts.length;
        TreeSet<Integer> chosen = new TreeSet<>();
        if (total == 0) {
            return new int[0];
        }
        if (sampling instanceof Sampling.Count count) {
            int n = Math.min(count.frames(), total);
            for (int i = 0; i < n; i++) {
                chosen.add((int) Math.min(total - 1, (long) Math.floor((i + 0.5) * total / n)));
            }
        } else if (sampling instanceof Sampling.Rate rate) {
            double start = pts[0] * timeBase;
            int position = 0;
            for (int k = 0; chosen.size() < rate.max(); k++) {
                double t = start + k / rate.fps();
                while (position < total && pts[position] * timeBase < t - 1e-6) {
                    position++;
                }
                if (position >= total) {
                    break;
                }
                chosen.add(position);
            }
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] snapToKeyframes(PacketIndex index, int[] targets) {
        TreeSet<Integer> snapped = new TreeSet<>();
        for (int target : targets) {
            snapped.add(index.nearestKeyPosition(target));
        }
        return snapped.stream().mapToInt(Integer::intValue).toArray();
    }
}
