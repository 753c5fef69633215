package io.vaultml.vision.onnx;

import java.nio.FloatBuffer;

/**
 * Letterboxes BGR frames into a YOLO input tensor: resized with the aspect ratio kept (bilinear, pixel centres
 * aligned as OpenCV's {@code INTER_LINEAR} does), padded with grey 114, scaled as the layout wants (0-1 RGB or
 * 0-255 BGR), and written channel-planar into a slot of one reused direct {@link FloatBuffer} that the input tensor
 * wraps without a copy. With OpenCV on the class path ({@code org.openpnp:opencv}) OpenCV does it; without, plain
 * Java does, to within one grey level of OpenCV's result. Not thread-safe.
 */
interface Preprocessor extends AutoCloseable {

    /** The OpenCV one where OpenCV is on the class path, else the plain Java one. */
    static Preprocessor create(int width, int height, int batchCapacity, OutputLayout layout) {
        return OpenCv.available() ? new OpenCvPreprocessor(width, height, batchCapacity, layout)
                : new JavaPreprocessor(width, height, batchCapacity, layout);
    }

    /** Writes {@code frame} into batch slot {@code slot}; returns how to map boxes back to the frame. */
    Letterbox put(io.vaultml.api.Frame frame, int slot);

    /** The first {@code batch} slots, as the input tensor's data. */
    FloatBuffer input(int batch);

    @Override
    void close();
}
