package io.vaultml.sqs;

import io.vaultml.test.Await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.Forwarder;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.EventSourceContract;
import io.vaultml.test.ForwarderContract;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The SQS transport against ElasticMQ running in this JVM. */
@Tag("broker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqsTransportTest {
    static final AtomicInteger QUEUES = new AtomicInteger();
    SQSRestServer server;
    String endpoint;
    SqsClient admin;

    @BeforeAll
    void start() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        admin = client();
    }

    @AfterAll
    void stop() {
        admin.close();
        server.stopAndWait();
    }

    Config config(String queue) {
        return SqsSettings.CONFIG.parse(ConfigSource.of(Map.of("SQS_ENDPOINT", endpoint, "SQS_REGION", "eu-west-1",
                "SQS_ACCESS_KEY", "x", "SQS_SECRET_KEY", "y", "QUEUE_NAME", queue, "QUEUE_TARGET", queue)));
    }

    SqsClient client() {
        return SqsSettings.client(config("unused"));
    }

    String newQueue(String suffix) {
        String name = "recordings-" + QUEUES.incrementAndGet() + suffix;
        admin.createQueue(b -> b.queueName(name).attributes(suffix.equals(".fifo")
                ? Map.of(QueueAttributeName.FIFO_QUEUE, "true") : Map.of()));
        return name;
    }

    List<Message> receiveAll(String queue, int expected) {
        String url = admin.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        List<Message> out = new ArrayList<>();
        Await.repeatWhile(() -> out.size() < expected, Duration.ofSeconds(10), () -> {
            out.addAll(admin.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageAttributeNames("All")).messages());
        });
        return out;
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_METHOD)
    class SourceContract extends EventSourceContract {
        final String queue = newQueue("");

        @Override
        protected EventSource openSource() {
            return new SqsEventSource(client(), queue, Duration.ofSeconds(30), 8);
        }

        @Override
        protected void publish(byte[] body) {
            admin.sendMessage(b -> b.queueUrl(admin.getQueueUrl(q -> q.queueName(queue)).queueUrl())
                    .messageBody(new String(body, StandardCharsets.UTF_8)));
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_METHOD)
    class PublisherContract extends ForwarderContract {
        final String queue = newQueue("");

        @Override
        protected Forwarder newForwarder() {
            return new SqsPublisher(client(), queue, true);
        }

        @Override
        protected List<Map.Entry<String, byte[]>> readBack() {
            return receiveAll(queue, 2).stream().map(m -> Map.entry(m.messageAttributes().get("vaultml-key").stringValue(),
                    m.body().getBytes(StandardCharsets.UTF_8))).toList();
        }
    }

    @Test
    void visibilityIsExtendedWhileARecordingTakesLongerThanTheTimeout() throws Exception {
        String queue = newQueue("");
        admin.sendMessage(b -> b.queueUrl(admin.getQueueUrl(q -> q.queueName(queue)).queueUrl()).messageBody("{\"n\":1}"));
        try (SqsEventSource busy = new SqsEventSource(client(), queue, Duration.ofSeconds(2), 4);
                SqsEventSource other = new SqsEventSource(client(), queue, Duration.ofSeconds(2), 4)) {
            List<Delivery> got = new ArrayList<>();
            Await.repeatWhile(got::isEmpty, Duration.ofSeconds(15), () -> got.addAll(busy.poll(Duration.ofSeconds(1))));
            // 6 s of "processing" against a 2 s visibility timeout: nobody else may see the message meanwhile.
            List<Delivery> stolen = new ArrayList<>();
            Await.repeatWhile(() -> true, Duration.ofSeconds(6), () -> {
                stolen.addAll(other.poll(Duration.ofSeconds(1)));
            });
            assertTrue(stolen.isEmpty(), "redelivered while still in progress: " + stolen);
            busy.complete(got.get(0));
            assertTrue(other.poll(Duration.ofSeconds(3)).isEmpty(), "deleted after completion");
        }
    }

    @Test
    void aDeadWorkersMessageComesBackAfterTheVisibilityTimeout() throws Exception {
        String queue = newQueue("");
        admin.sendMessage(b -> b.queueUrl(admin.getQueueUrl(q -> q.queueName(queue)).queueUrl()).messageBody("{\"n\":2}"));
        SqsClient dying = client();
        SqsEventSource crashed = new SqsEventSource(dying, queue, Duration.ofSeconds(2), 4);
        List<Delivery> first = new ArrayList<>();
        Await.repeatWhile(first::isEmpty, Duration.ofSeconds(15), () -> first.addAll(crashed.poll(Duration.ofSeconds(1))));
        // The process dies: no close, no release, no more visibility extensions.
        java.lang.reflect.Field keeper = SqsEventSource.class.getDeclaredField("keeper");
        keeper.setAccessible(true);
        ((java.util.concurrent.ExecutorService) keeper.get(crashed)).shutdownNow();
        try (SqsEventSource survivor = new SqsEventSource(client(), queue, Duration.ofSeconds(30), 4)) {
            List<Delivery> again = new ArrayList<>();
            Await.repeatWhile(() -> again.isEmpty(), Duration.ofSeconds(15), () -> {
                again.addAll(survivor.poll(Duration.ofSeconds(1)));
            });
            assertEquals(1, again.size());
            assertArrayEquals(first.get(0).payload(), again.get(0).payload());
            assertEquals(2, again.get(0).attempt(), "ApproximateReceiveCount");
            survivor.complete(again.get(0));
        }
        dying.close();
    }

    @Test
    void theTransportShowsTheQueuesBacklog() {
        String queue = newQueue("");
        String url = admin.getQueueUrl(q -> q.queueName(queue)).queueUrl();
        for (int i = 0; i < 3; i++) {
            int n = i;
            admin.sendMessage(b -> b.queueUrl(url).messageBody("{\"n\":" + n + "}"));
        }
        admin.createQueue(b -> b.queueName(queue + "-dead-letter"));
        try (io.vaultml.api.Transport t = new SqsTransportProvider().open(config(queue), 4)) {
            assertEquals(3.0, t.gauges().get("vaultml.queue.messages.ready").getAsDouble());
        }
    }

    @Test
    void fifoQueuesGetAGroupAndDeduplicateIdenticalResults() {
        String queue = newQueue(".fifo");
        try (SqsPublisher publisher = new SqsPublisher(client(), queue, true)) {
            var message = ForwarderContract.message("cam/1.mp4", "{\"n\":1}");
            publisher.forward(message);
            publisher.forward(message); // a redelivered recording publishes the same result again
        }
        List<Message> got = receiveAll(queue, 2);
        assertEquals(1, got.size(), "content-based deduplication drops the repeat");
        assertEquals("cam/1.mp4", got.get(0).messageAttributes().get("vaultml-key").stringValue());
    }

    @Test
    void fifoDeadLettersAreDeduplicatedPerEntryNotPerMessage() {
        String queue = newQueue(".fifo");
        Delivery array = new Delivery("m-2", "[{\"payload\":{}},7]".getBytes(StandardCharsets.UTF_8), Map.of(), 1);
        try (SqsPublisher dlq = new SqsPublisher(client(), queue, true)) {
            DeadLetter first = DeadLetter.of(array, "", new UnprocessableInputException("parse", "Event[0] has no payload.key"));
            DeadLetter second = DeadLetter.of(array, "", new UnprocessableInputException("parse",
                    "Event array element [1] must be a JSON object, got a number"));
            dlq.deadLetter(first);
            dlq.deadLetter(second);
            dlq.deadLetter(first); // the same entry again, as after a redelivery: dropped
        }
        List<Message> got = receiveAll(queue, 3);
        assertEquals(2, got.size(), "one dead letter per bad element, the repeat dropped");
    }

    @Test
    void aResultOverTheSqsLimitIsThatEventsPermanentError() {
        String queue = newQueue("");
        try (SqsPublisher publisher = new SqsPublisher(client(), queue, true)) {
            UnprocessableInputException e = assertThrows(UnprocessableInputException.class, () -> publisher.forward(
                    ForwarderContract.message("cam/big.mp4", "{\"x\":\"" + "a".repeat(300_000) + "\"}")));
            assertTrue(e.getMessage().startsWith("The result for cam/big.mp4 is "), e.getMessage());
            assertTrue(e.getMessage().endsWith("more than the 262144 an SQS message may have"), e.getMessage());
        }
    }

    @Test
    void deadLettersKeepTheBodyAndCarryTheReason() {
        String queue = newQueue("");
        try (SqsPublisher dlq = new SqsPublisher(client(), queue, true)) {
            dlq.deadLetter(DeadLetter.of(new Delivery("m-1", "not json".getBytes(StandardCharsets.UTF_8), Map.of(), 3), "",
                    new UnprocessableInputException("parse", "Event is not valid JSON: Unrecognized token 'not'")));
        }
        Message m = receiveAll(queue, 1).get(0);
        assertEquals("not json", m.body());
        assertEquals("Event is not valid JSON: Unrecognized token 'not'", m.messageAttributes().get("vaultml-dlq-reason").stringValue());
        assertEquals("parse", m.messageAttributes().get("vaultml-dlq-stage").stringValue());
        assertEquals("3", m.messageAttributes().get("vaultml-dlq-attempt").stringValue());
        assertEquals("m-1", m.messageAttributes().get("vaultml-dlq-source").stringValue());
    }

    @Test
    void queuesAreFoundByNameOrUrlAndAMissingOneIsAStartupError() {
        String queue = newQueue("");
        String url = admin.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        try (SqsEventSource byUrl = new SqsEventSource(client(), url, Duration.ofSeconds(30), 1)) {
            assertEquals("SQS queue " + url, byUrl.describe());
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> new SqsEventSource(client(), "no-such-queue", Duration.ofSeconds(30), 1));
        assertEquals("SQS queue no-such-queue does not exist", e.getMessage());
        assertEquals("recordings-dead-letter.fifo", SqsSettings.deadLetterQueue(config("recordings.fifo")));
    }
}
