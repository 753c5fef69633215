package io.vaultml.video;

import io.vaultml.api.Frame;

/**
 * Receives decoded frames. The frame's pixels belong to the decoder and are overwritten by the next frame:
 * use or copy them during the call.
 */
@FunctionalInterface
public interface FrameConsumer {
    void accept(Frame frame);
}
