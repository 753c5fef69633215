package io.vaultml.video;

import io.vaultml.api.VideoInfo;
import java.time.Duration;

/**
 * What decoding one recording did.
 *
 * @param video size, rate, frame count and the decoder used
 * @param framesDelivered frames handed to the consumer
 * @param framesDecoded frames the decoder produced in total (including those decoded only to reach a target)
 * @param truncated whether the file ended early or had undecodable data; the frames before it were delivered
 * @param problem what went wrong when {@code truncated}, else empty
 * @param elapsed wall time
 */
public record DecodeReport(VideoInfo video, int framesDelivered, int framesDecoded, boolean truncated,
        String problem, Duration elapsed) {

    /** What logs and messages say when {@code truncated}: "truncated or damaged (why); analysed the N frames ...". */
    public String truncationSummary() {
        return "truncated or damaged (" + problem + "); analysed the " + framesDelivered + " frames before it";
    }
}
