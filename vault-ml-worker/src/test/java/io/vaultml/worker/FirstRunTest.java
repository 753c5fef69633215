package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What an operator reads: a second run says why it does nothing, a run ends with its totals, no settings noise. */
class FirstRunTest {
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void listen() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stopListening() {
        root.detachAppender(logs);
    }

    List<String> said() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aSecondRunSaysWhyItDoesNothingAndEveryRunEndsWithItsTotals(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in/campus"));
        Files.copy(TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY), in.resolve(LocalModeTest.HIGHWAY));
        Map<String, String> env = LocalModeTest.env(dir, Map.of("NUMBER_OF_PREDICTIONS", "3"));
        assertEquals(0, LocalModeTest.run(env));
        String first = said().stream().filter(s -> s.startsWith("Done:")).findFirst().orElseThrow();
        assertTrue(first.contains(": 1 result(s), 0 dead-lettered, 3 frame(s) analysed, "), first);
        logs.list.clear();

        assertEquals(0, LocalModeTest.run(env));
        Path processed = dir.resolve("state/processed.txt");
        assertTrue(said().contains("Nothing new in " + dir.resolve("in") + ": all 1 recording(s) there were processed "
                + "before, as " + processed + " lists; delete it (or set STATE_DIR elsewhere) to process them again"),
                said().toString());
        assertTrue(said().stream().anyMatch(s -> s.startsWith("Done:") && s.contains(": 0 result(s), 0 dead-lettered")),
                said().toString());
    }

    @Test
    void kubernetesServiceVariablesAndLogLevelAreNoNoiseWhileAMisspellingIsStillReported(@TempDir Path dir)
            throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of()));
        env.putAll(Map.of("KAFKA_PORT", "tcp://10.0.0.7:9092", "KAFKA_PORT_9092_TCP_ADDR", "10.0.0.7",
                "KAFKA_SERVICE_HOST", "10.0.0.7", "VAULT_LB_SERVICE_HOST", "10.0.0.8", "VAULT_LB_SERVICE_PORT_HTTP",
                "80", "LOG_LEVEL", "debug", "MOVE_DISTANC", "50"));
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(env))) {
            assertEquals("debug", app.setting(WorkerSettings.LOG_LEVEL));
        }
        List<String> warnings = logs.list.stream().filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(List.of("MOVE_DISTANC is not a vault-ml setting and is ignored; did you mean MOVE_DISTANCE?"),
                warnings.stream().filter(w -> w.contains("is not a vault-ml setting")).toList());
        assertFalse(warnings.toString().contains("KAFKA_PORT"), warnings.toString());
        assertTrue(WorkerApp.kubernetesServiceVariable("KAFKA_PORT", "tcp://10.0.0.7:9092"));
        assertFalse(WorkerApp.kubernetesServiceVariable("METRICS_PORT", "8080"), "a number is no service address");
        assertTrue(WorkerApp.kubernetesServiceVariable("KAFKA_PORT_9092_TCP_PROTO", "tcp"));
    }

    @Test
    void aQuietStartShowsWhatThisRunReadsAndWhatWasGivenButUnused(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Map<String, String> env = new HashMap<>(LocalModeTest.env(dir, Map.of()));
        env.putAll(Map.of("KAFKA_BROKER", "kafka:9092", "SQS_VISIBILITY_TIMEOUT", "2m", "DEVICE", "auto"));
        try (WorkerApp app = WorkerApp.create(ConfigSource.of(env))) {
            assertEquals("LOCAL", app.setting(WorkerSettings.QUEUE_SYSTEM));
        }
        String effective = said().stream().filter(s -> s.startsWith("Effective configuration:")).findFirst()
                .orElseThrow();
        assertTrue(effective.contains("WATCH_DIR=" + dir.resolve("in")) && effective.contains("MODEL_PATH="),
                "the selected transport's and detector's settings: " + effective);
        assertTrue(effective.contains("CONCURRENCY=2 (default)"), "defaults marked: " + effective);
        assertFalse(effective.contains("KAFKA_") || effective.contains("SQS_") || effective.contains("RABBITMQ_"),
                "no other transport's settings: " + effective);
        assertTrue(said().contains("Set but not read by this run (settings of a transport, detector or forwarder "
                + "not in use): KAFKA_BROKER, SQS_VISIBILITY_TIMEOUT"), said().toString());
        // The CPU build has no CUDA: DEVICE=auto says so once, at INFO, without a warning.
        List<ILoggingEvent> cpu = logs.list.stream().filter(e -> e.getFormattedMessage().contains("on the CPU")).toList();
        assertEquals(1, cpu.size(), cpu.toString());
        assertEquals(ch.qos.logback.classic.Level.INFO, cpu.get(0).getLevel());
    }
}
