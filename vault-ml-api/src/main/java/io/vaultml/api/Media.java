package io.vaultml.api;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A downloaded recording, held in memory.
 *
 * @param key the recording key it was fetched for
 * @param data the file's bytes, read-only, position 0
 * @param contentType the media type the server reported, or {@code application/octet-stream}
 */
public record Media(String key, ByteBuffer data, String contentType) {

    public Media {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(contentType, "contentType");
        data = data.asReadOnlyBuffer().rewind();
    }

    public static Media of(String key, byte[] bytes) {
        return new Media(key, ByteBuffer.wrap(bytes), "application/octet-stream");
    }

    /** Size in bytes. */
    public int size() {
        return data.capacity();
    }

    /** A fresh read-only view positioned at 0, so several readers do not disturb each other. */
    public ByteBuffer view() {
        return data.duplicate().rewind();
    }

    @Override
    public String toString() {
        return "Media[key=" + key + ", " + size() + " bytes, " + contentType + "]";
    }
}
