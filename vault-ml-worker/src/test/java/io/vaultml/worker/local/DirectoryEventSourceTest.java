package io.vaultml.worker.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Delivery;
import io.vaultml.test.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryEventSourceTest {

    @Test
    void aFileIsTakenOnlyAfterItsSizeHeldForAWholeInterval(@TempDir Path dir) throws Exception {
        Path watch = Files.createDirectories(dir.resolve("in"));
        Files.write(watch.resolve("a.mp4"), new byte[100]);
        try (DirectoryEventSource hourly = new DirectoryEventSource(watch, dir.resolve("state"), Duration.ofHours(1),
                false)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(List.of(), hourly.poll(Duration.ZERO), "polls within the interval do not rescan, so a "
                        + "file still being written cannot look finished between two of them");
            }
        }
        try (DirectoryEventSource quick = new DirectoryEventSource(watch, dir.resolve("state2"), Duration.ofMillis(50),
                false)) {
            List<Delivery> taken = new ArrayList<>();
            Await.until(() -> taken.addAll(quick.poll(Duration.ofMillis(20))) || !taken.isEmpty(),
                    Duration.ofSeconds(10), () -> "the stable file is never taken");
            assertEquals("a.mp4", taken.get(0).id());
        }
    }

    @Test
    void aRecordingGivenBackComesAgainAtTheNextPollWithoutWaitingForTheInterval(@TempDir Path dir) throws IOException {
        Path watch = Files.createDirectories(dir.resolve("in"));
        Files.write(watch.resolve("a.mp4"), new byte[10]);
        Files.write(watch.resolve("b.mp4"), new byte[10]);
        try (DirectoryEventSource source = new DirectoryEventSource(watch, dir.resolve("state"), Duration.ofHours(1),
                true)) {
            List<Delivery> first = source.poll(Duration.ZERO);
            assertEquals(List.of("a.mp4", "b.mp4"), first.stream().map(Delivery::id).toList());
            source.complete(first.get(1));
            assertEquals(List.of(), source.poll(Duration.ZERO));
            source.retryLater(first.get(0));
            List<Delivery> again = source.poll(Duration.ZERO);
            assertEquals(List.of("a.mp4"), again.stream().map(Delivery::id).toList());
            source.complete(again.get(0));
            assertTrue(source.exhausted());
        }
    }

    @Test
    void watchingRemembersTheFolderNotItsHistory(@TempDir Path dir) throws Exception {
        Path watch = Files.createDirectories(dir.resolve("in"));
        try (DirectoryEventSource source = new DirectoryEventSource(watch, dir.resolve("state"), Duration.ofMillis(1),
                false)) {
            for (int round = 0; round < 3; round++) {
                Path file = Files.write(watch.resolve("r" + round + ".mp4"), new byte[10]);
                List<Delivery> taken = new ArrayList<>();
                Await.until(() -> taken.addAll(source.poll(Duration.ofMillis(5))) || !taken.isEmpty(),
                        Duration.ofSeconds(10), () -> "not taken");
                taken.forEach(source::complete);
                Files.delete(file); // the agent's retention, or an operator, cleans the folder
            }
            source.poll(Duration.ofMillis(5));
            Await.until(() -> source.poll(Duration.ofMillis(5)).isEmpty() && source.remembered() == 0,
                    Duration.ofSeconds(10), () -> "still remembers " + source.remembered() + " files that left");
        }
    }
}
