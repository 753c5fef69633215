package io.vaultml.local;

import io.vaultml.api.ConfigException;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.kerberos.FileEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Recordings from a directory, as a Kerberos Agent writes them at the edge. Each {@code .mp4} below the directory
 * becomes one Vault-style event whose {@code payload.key} is its path relative to the directory. A file is taken
 * once its size stayed the same across one scan interval (the agent finished writing it); with {@code runOnce},
 * the files present at startup are taken as complete.
 *
 * <p>Completed recordings are appended (and flushed to disk) to {@code processed.txt} in the state directory and
 * are never delivered again, across restarts. A recording given back with {@link #retryLater} or left in flight
 * at {@link #close()} is found again by the next scan.
 */
public final class DirectoryEventSource implements EventSource {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DirectoryEventSource.class);

    private final Path directory;
    private final Path processedFile;
    private final Duration interval;
    private final boolean runOnce;
    private final Object lock = new Object();
    private final Set<String> processed = new HashSet<>();
    private final Map<String, Delivery> inFlight = new LinkedHashMap<>();
    private final Map<String, Long> sizeSeen = new HashMap<>();
    private FileChannel processedLog;
    private int forgottenSinceCompaction;
    private boolean initialScanDone;
    private boolean woken;
    private boolean givenBack;
    private long lastScanNanos;
    private boolean closed;

    public DirectoryEventSource(Path directory, Path stateDirectory, Duration interval, boolean runOnce) {
        this.directory = directory.toAbsolutePath().normalize();
        this.interval = interval;
        this.runOnce = runOnce;
        if (!Files.isDirectory(this.directory)) {
            throw new ConfigException("WATCH_DIR " + this.directory + " is not a directory");
        }
        try {
            Files.createDirectories(stateDirectory);
            this.processedFile = stateDirectory.resolve("processed.txt");
            if (Files.exists(processedFile)) {
                Files.readAllLines(processedFile, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                        .forEach(processed::add);
            }
            this.processedLog = FileChannel.open(processedFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ConfigException("STATE_DIR " + stateDirectory + " is not usable: " + e.getMessage());
        }
    }

    @Override
    public List<Delivery> poll(Duration timeout) {
        if (scanDue()) {
            List<Delivery> found = scan();
            if (!found.isEmpty()) {
                return found;
            }
        }
        synchronized (lock) {
            long waitMillis = Math.min(timeout.toMillis(), interval.toMillis());
            if (!woken && !closed && waitMillis > 0) {
                try {
                    lock.wait(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
            woken = false;
        }
        return scanDue() ? scan() : List.of();
    }

    /**
     * The directory is walked at most once per interval (the worker polls after every recording, and a walk of a
     * large directory costs milliseconds), sooner only when a recording was given back or at the start.
     */
    private boolean scanDue() {
        synchronized (lock) {
            return !initialScanDone || givenBack || System.nanoTime() - lastScanNanos >= interval.toNanos();
        }
    }

    private List<Delivery> scan() {
        synchronized (lock) {
            lastScanNanos = System.nanoTime();
            givenBack = false;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4"))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new io.vaultml.api.RetriableException("WATCH_DIR " + directory + " cannot be listed: " + e.getMessage());
        }
        List<Delivery> ready = new ArrayList<>();
        int done = 0; // found and listed in processed.txt
        synchronized (lock) {
            if (closed) {
                return List.of();
            }
            boolean takeAsIs = runOnce && !initialScanDone;
            for (Path file : files) {
                String key = directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (processed.contains(key)) {
                    done++;
                    continue;
                }
                if (inFlight.containsKey(key)) {
                    continue;
                }
                if (runOnce && initialScanDone && !sizeSeen.containsKey(key)) {
                    continue; // run-once mode handles only what was there at startup
                }
                long size;
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    size = attributes.size();
                } catch (IOException e) {
                    continue; // removed between listing and reading: nothing to do
                }
                Long previous = sizeSeen.put(key, size);
                if (!takeAsIs && (previous == null || previous != size)) {
                    continue; // still being written, or first seen: check again next scan
                }
                Delivery delivery = new Delivery(key, FileEvents.json(key, size, attributes.lastModifiedTime().toInstant()), Map.of("file", key), 1);
                inFlight.put(key, delivery);
                ready.add(delivery);
            }
            if (!initialScanDone) {
                explainSkipped(files.size(), done, ready.size());
            }
            initialScanDone = true;
            if (!runOnce) {
                forgetGone(files);
            }
        }
        return ready;
    }

    /**
     * Watching for days, the folder's files come and go: what this remembers of a file (its size, that it was
     * processed) is dropped once the file has left the folder, so memory follows the folder, not its history; and
     * {@code processed.txt} is rewritten without them once they outnumber the files it still needs to list.
     */
    private void forgetGone(List<Path> files) {
        Set<String> present = new HashSet<>();
        for (Path file : files) {
            present.add(directory.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/"));
        }
        sizeSeen.keySet().retainAll(present);
        int before = processed.size();
        processed.retainAll(present);
        forgottenSinceCompaction += before - processed.size();
        if (forgottenSinceCompaction > Math.max(1000, processed.size())) {
            compactProcessedLog();
        }
    }

    /** Rewrites {@code processed.txt} with the remembered files only, replacing it atomically. */
    private void compactProcessedLog() {
        try {
            Path fresh = processedFile.resolveSibling("processed.txt.new");
            Files.write(fresh, processed.stream().sorted().map(k -> k + "\n").toList(), StandardCharsets.UTF_8);
            // Replace first, then switch channels: a failure on the way leaves the old file and channel in use.
            Files.move(fresh, processedFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            FileChannel previous = processedLog;
            processedLog = FileChannel.open(processedFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            previous.close();
            forgottenSinceCompaction = 0;
        } catch (IOException e) {
            log.warn("Could not compact {}: {}; it keeps growing until the next try", processedFile, e.getMessage());
        }
    }

    /** Files remembered (processed or seen); tests check it follows the folder. */
    int remembered() {
        synchronized (lock) {
            return processed.size() + sizeSeen.size();
        }
    }

    /** Says, once, why recordings in the folder are not processed: a second run otherwise prints nothing at all. */
    private void explainSkipped(int found, int done, int taken) {
        if (found == 0) {
            log.info("No .mp4 recordings in {} yet", directory);
        } else if (done > 0 && taken == 0 && runOnce) {
            log.info("Nothing new in {}: all {} recording(s) there were processed before, as {} lists; delete it (or "
                    + "set STATE_DIR elsewhere) to process them again", directory, found, processedFile);
        } else if (done > 0) {
            log.info("{} of the {} recording(s) in {} were processed before ({} lists them) and are skipped", done,
                    found, directory, processedFile);
        }
    }

    @Override
    public void complete(Delivery delivery) {
        synchronized (lock) {
            if (inFlight.remove(delivery.id()) == null) {
                return;
            }
            processed.add(delivery.id());
            try {
                processedLog.write(java.nio.ByteBuffer.wrap((delivery.id() + "\n").getBytes(StandardCharsets.UTF_8)));
                processedLog.force(false);
            } catch (IOException e) {
                throw new io.vaultml.api.RetriableException("cannot record " + delivery.id() + " as processed in "
                        + processedFile + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void retryLater(Delivery delivery) {
        synchronized (lock) {
            inFlight.remove(delivery.id());
            givenBack = true;
        }
    }

    @Override
    public void wakeup() {
        synchronized (lock) {
            woken = true;
            lock.notifyAll();
        }
    }

    /** In run-once mode: every recording found at startup has been completed. */
    @Override
    public boolean exhausted() {
        synchronized (lock) {
            return runOnce && initialScanDone && inFlight.isEmpty()
                    && sizeSeen.keySet().stream().allMatch(processed::contains);
        }
    }

    @Override
    public String describe() {
        return "directory " + directory + (runOnce ? " (run once)" : "");
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            inFlight.clear();
            lock.notifyAll();
        }
        try {
            processedLog.close();
        } catch (IOException ignored) {
            // nothing left to flush: every write was forced
        }
    }
}
