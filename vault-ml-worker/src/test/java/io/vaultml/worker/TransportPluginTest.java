package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vaultml.api.ConfigException;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.MemoryTransportProvider;
import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Transports are plugins: the test kit's {@code memory} transport, which the worker has never heard of, is found on
 * the class path and selected by QUEUE_SYSTEM; and every provider's configuration problems are reported together,
 * before anything connects or a model loads.
 */
class TransportPluginTest {

    @Test
    void aTransportOnTheClassPathIsSelectedByNameWithNoChangeToTheWorker() throws Exception {
        MemoryTransportProvider.Channel channel = MemoryTransportProvider.channel("plugin-test");
        channel.recordings.put("cam/highway.mp4",
                Files.readAllBytes(TestData.require("videos/kerberos/" + LocalModeTest.HIGHWAY)));
        channel.events.offer("{\"payload\":{\"key\":\"cam/highway.mp4\"}}");
        channel.events.offer("{\"payload\":{\"key\":\"cam/missing.mp4\"}}");
        WorkerApp app = WorkerApp.create(ConfigSource.of(Map.of("QUEUE_SYSTEM", "MEMORY", "MEMORY_CHANNEL",
                "plugin-test", "DETECTOR", "fake", "METRICS_PORT", "0", "NUMBER_OF_PREDICTIONS", "2")));
        try {
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(app::run);
            assertTrue(channel.outcomes.awaitOutcomes(2, 30_000), "one result and one dead letter");
            app.stop();
            assertEquals(0, exit.get(30, TimeUnit.SECONDS));
        } finally {
            app.close();
        }
        assertEquals(List.of("cam/highway.mp4"), channel.outcomes.results().stream().map(ResultMessage::key).toList());
        assertEquals("Recording cam/missing.mp4 is not in the channel", channel.outcomes.deadLetters().get(0).reason());
    }

    @Test
    void everyProvidersProblemsAreReportedAtOnceBeforeTheModelLoadsOrAnythingConnects() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ConfigException e;
        try {
            // The transport lacks its broker and topics, the detector its labels file, forwarding its Hub URL, and
            // downloading its Vault account. The model itself is fine: it must not be loaded.
            e = assertThrows(ConfigException.class, () -> WorkerApp.create(ConfigSource.of(Map.of(
                    "QUEUE_SYSTEM", "kafka", "MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(),
                    "LABELS_PATH", "/no/such/labels.txt", "FORWARDING_METADATA", "true", "METRICS_PORT", "0"))));
        } finally {
            root.detachAppender(logs);
        }
        List<String> problems = e.problems();
        assertEquals(List.of(
                "KAFKA_BROKER is required for QUEUE_SYSTEM=KAFKA: Bootstrap servers, comma separated (host:port,host:port).",
                "QUEUE_NAME is required for QUEUE_SYSTEM=KAFKA: The topic (KAFKA), queue name or URL (SQS) or queue "
                        + "(RABBITMQ) recording events are consumed from.",
                "QUEUE_TARGET is required for QUEUE_SYSTEM=KAFKA: Once an inference is done, the result is sent to this "
                        + "topic or queue, keyed by recording.",
                "LABELS_PATH /no/such/labels.txt is not a readable file",
                "VAULT_API_URL is required for downloading recordings",
                "VAULT_ACCESS_KEY is required for downloading recordings",
                "VAULT_SECRET_KEY is required for downloading recordings",
                "HUB_API_URL is required for FORWARDING_METADATA"), problems);
        assertFalse(logs.list.stream().anyMatch(l -> l.getFormattedMessage().startsWith("Loaded ")),
                "the model was not loaded");
        assertThrows(ConfigException.class, () -> WorkerApp.create(ConfigSource.of(Map.of("QUEUE_SYSTEM", "rabbitmq",
                "METRICS_PORT", "0"))), "an unknown transport is a configuration error listing the known ones");
    }
}
