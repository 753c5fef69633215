package io.vaultml.analysis;

import io.vaultml.api.Media;
import io.vaultml.api.MediaFetcher;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Fetches recordings from a directory: an event's key is the file's path relative to it (as {@code
 * FileEvents.of} in {@code vault-ml-kerberos} makes them, and the worker's LOCAL mode uses). Keys cannot escape
 * the directory; a file larger than {@code maxBytes} is that recording's failure, not the reader's memory.
 */
public final class DirectoryFetcher implements MediaFetcher {
    private final Path directory;
    private final long maxBytes;

    public DirectoryFetcher(Path directory, long maxBytes) {
        this.directory = directory.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    @Override
    public Media fetch(RecordingEvent event) {
        Path file = directory.resolve(event.key()).normalize();
        if (!file.startsWith(directory)) {
            throw new UnprocessableInputException("fetch", "Recording key " + event.key() + " points outside " + directory);
        }
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new UnprocessableInputException("fetch", "Recording " + event.key() + " is " + size
                        + " bytes, more than the allowed " + maxBytes);
            }
            return new Media(event.key(), java.nio.ByteBuffer.wrap(Files.readAllBytes(file)), "video/mp4");
        } catch (NoSuchFileException e) {
            throw new UnprocessableInputException("fetch", "Recording " + event.key() + " no longer exists in " + directory);
        } catch (IOException e) {
            throw new RetriableException("Recording " + event.key() + " could not be read: " + e.getMessage(), e);
        }
    }
}
