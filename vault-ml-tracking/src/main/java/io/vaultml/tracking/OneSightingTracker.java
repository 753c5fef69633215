package io.vaultml.tracking;

import io.vaultml.api.FrameDetections;
import io.vaultml.api.Track;
import io.vaultml.api.Tracker;
import io.vaultml.api.VideoInfo;
import java.util.List;

/**
 * What is reported without tracking ({@code TRACKING=false}): per label, each object of the analysed frame showing
 * the most of that label, once, as a one-sighting track ({@link Track#unassociated()}): the same rule
 * {@link CentroidTracker} applies to frames too far apart to follow an object. Consumers that read tracks (the Hub
 * format's {@code details}: frame size, boxes, centroids) get an entry per counted object instead of nothing.
 * Stateless and thread-safe.
 */
public final class OneSightingTracker implements Tracker {

    @Override
    public List<Track> track(List<FrameDetections> frames, VideoInfo video) {
        return CentroidTracker.busiestFramePerLabel(frames);
    }
}
