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
 *       decoded.</li>
 * </ul>
 */
final class FramePlanner {
    private FramePlanner() {
    }

    /**
     * @param timeBase seconds per timestamp unit
     * @return display-order positions of the frames to analyse, ascending and distinct
     */
    static int[] targets(PacketIndex index, double timeBase, Sampling sampling, SeekMode seekMode) {
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
        if (seekMode == SeekMode.KEYFRAME) {
            TreeSet<Integer> snapped = new TreeSet<>();
            for (int target : chosen) {
                snapped.add(index.nearestKeyPosition(target));
            }
            chosen = snapped;
        }
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }
}
