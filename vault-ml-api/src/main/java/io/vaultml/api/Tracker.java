package io.vaultml.api;

import java.util.List;

/**
 * Follows objects across the analysed frames of one recording.
 *
 * <p>A tracker holds no state between calls: each call sees one whole recording, so one instance is shared by
 * all pipeline threads and must be thread-safe. It does not block and does no I/O. Track ids start at 1 for
 * each recording.
 */
public interface Tracker {

    /**
     * @param frames the analysed frames in frame order, as the detector returned them
     * @param video the recording's size and frame rate (distances and gaps are scaled with them)
     * @return the tracks worth reporting (noise filtered out), ordered by id
     */
    List<Track> track(List<FrameDetections> frames, VideoInfo video);
}
