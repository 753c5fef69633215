package io.vaultml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Media;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.UnprocessableInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryFetcherTest {

    @Test
    void aKeyIsAPathInsideTheDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("in/cam"));
        Files.write(dir.resolve("in/cam/a.mp4"), new byte[] {1, 2, 3});
        Files.write(dir.resolve("secret.mp4"), new byte[] {9});
        DirectoryFetcher fetcher = new DirectoryFetcher(dir.resolve("in"), 3);

        Media media = fetcher.fetch(RecordingEvent.ofKey("cam/a.mp4"));
        assertEquals(3, media.view().remaining());

        UnprocessableInputException outside = assertThrows(UnprocessableInputException.class,
                () -> fetcher.fetch(RecordingEvent.ofKey("../secret.mp4")));
        assertTrue(outside.getMessage().contains("points outside"), outside.getMessage());
        UnprocessableInputException gone = assertThrows(UnprocessableInputException.class,
                () -> fetcher.fetch(RecordingEvent.ofKey("cam/b.mp4")));
        assertTrue(gone.getMessage().contains("no longer exists"), gone.getMessage());
        Files.write(dir.resolve("in/cam/big.mp4"), new byte[4]);
        UnprocessableInputException big = assertThrows(UnprocessableInputException.class,
                () -> fetcher.fetch(RecordingEvent.ofKey("cam/big.mp4")));
        assertTrue(big.getMessage().contains("more than the allowed 3"), big.getMessage());
    }
}
