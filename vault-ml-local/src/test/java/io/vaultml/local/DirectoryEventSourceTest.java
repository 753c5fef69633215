package io.vaultml.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.test.Await;
import io.vaultml.test.EventSourceContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryEventSourceTest {

    /** The at-least-once contract every transport's source keeps; here a message is a recording in the folder. */
    @Nested
    class Contract extends EventSourceContract {
        @TempDir
        Path dir;
        private final Map<String, String> fileOf = new HashMap<>();

        @Override
        protected EventSource openSource() {
            try {
                return new DirectoryEventSource(Files.createDirectories(dir.resolve("in")), dir.resolve("state"),
                        Duration.ofMillis(50), false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        protected void publish(byte[] body) {
            String name = "rec-" + fileOf.size() + ".mp4";
            try {
                Path staged = Files.write(dir.resolve(name + ".part"), body);
                Files.createDirectories(dir.resolve("in"));
                Files.move(staged, dir.resolve("in").resolve(name), StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            fileOf.put(new String(body, StandardCharsets.ISO_8859_1), name);
        }

        /** The delivery of a recording is the event describing that file: its key and its size. */
        @Override
        protected void assertDelivers(byte[] published, Delivery delivered) {
            String name = fileOf.get(new String(published, StandardCharsets.ISO_8859_1));
            assertEquals(name, delivered.id());
            String event = new String(delivered.payload(), StandardCharsets.UTF_8);
            assertTrue(event.contains("\"key\":\"" + name + "\"") && event.contains("\"fileSize\":" + published.length),
                    event);
        }
    }

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
