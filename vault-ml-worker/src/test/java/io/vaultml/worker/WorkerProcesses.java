package io.vaultml.worker;

import io.vaultml.test.FakeDetectorProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Starting the packaged worker as a process for the process-level tests, with its output kept where a failed run
 * can be read afterwards ({@code target/worker-logs/<test>-<time>/}, never a deleted temporary folder), and a
 * thread dump appended to its log when a test gives up waiting for it.
 */
final class WorkerProcesses {
    private WorkerProcesses() {
    }

    /** A fresh folder for one test's worker logs, under {@code target/worker-logs}. */
    static Path logDir(String test) throws IOException {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        return Files.createDirectories(Path.of("target", "worker-logs", test + "-" + stamp));
    }

    static Process start(Map<String, String> env, Path log) throws IOException {
        return start(List.of("-jar", WorkerProcessIT.JAR.toString()), env, log);
    }

    /**
     * The worker jar with the test kit on its class path, so that its providers ({@code DETECTOR=fake},
     * {@code QUEUE_SYSTEM=memory}) can be selected as a user's plugins would be.
     */
    static Process startWithTestKit(Map<String, String> env, Path log) throws IOException {
        String testKit;
        try {
            testKit = Path.of(FakeDetectorProvider.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        return start(List.of("-cp", WorkerProcessIT.JAR + java.io.File.pathSeparator + testKit,
                Main.class.getName()), env, log);
    }

    private static Process start(List<String> arguments, Map<String, String> env, Path log) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(arguments);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Asks a live worker JVM for a thread dump (SIGQUIT); the JVM prints it into the worker's log. */
    static void threadDump(Process worker) {
        if (!worker.isAlive()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-3", String.valueOf(worker.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
            Thread.sleep(1000); // let the JVM write it
        } catch (IOException e) {
            // no kill command: the log alone has to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every log in the folder, for an assertion message, with where the folder is. */
    static String logs(Path dir) {
        StringBuilder all = new StringBuilder("worker logs kept in ").append(dir.toAbsolutePath()).append('\n');
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                all.append("==== ").append(f.getFileName()).append('\n').append(Files.readString(f));
            }
        } catch (IOException e) {
            all.append("(could not read: ").append(e.getMessage()).append(")");
        }
        return all.toString();
    }
}
