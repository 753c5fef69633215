package io.vaultml.video;

/** How the decoder reaches the chosen frames. */
public enum SeekMode {
    /**
     * The default: {@link Sampling.Count} (frames spread over the whole recording, where nobody needs a particular
     * frame) takes the nearest keyframes when every chosen frame has a keyframe of its own, so only keyframes are
     * decoded; otherwise, and always for {@link Sampling.Rate} (tracking needs the steady rate), exact frames.
     */
    AUTO,
    /** Seek to the keyframe before each chosen frame and decode forward to exactly that frame. */
    EXACT,
    /**
     * Replace each chosen frame by the nearest keyframe and decode keyframes only: much cheaper on long GOPs, at
     * the price of up to half a GOP of timing error. Frames that snap to the same keyframe are analysed once.
     */
    KEYFRAME
}
