package io.vaultml.rabbitmq;

import io.vaultml.test.Await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.Forwarder;
import io.vaultml.api.OutageException;
import io.vaultml.api.Transport;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.Await;
import io.vaultml.test.EventSourceContract;
import io.vaultml.test.ForwarderContract;
import io.vaultml.rabbitmq.RabbitBroker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The RabbitMQ transport against the real broker ({@link RabbitBroker}). */
@Tag("broker")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RabbitTransportTest {
    URI broker;
    Connection connection;
    Channel admin;
    final List<String> queues = new ArrayList<>();

    @BeforeAll
    void connect() throws Exception {
        broker = RabbitBroker.require();
        connection = RabbitSettings.connectionFactory(config(Map.of())).newConnection("vault-ml-test");
        admin = connection.createChannel();
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (connection != null) {
            Channel ch = connection.createChannel();
            for (String q : queues) {
                ch.queueDelete(q);
            }
            connection.close();
        }
    }

    Config config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("RABBITMQ_HOST", broker.toString(), "QUEUE_NAME", "in",
                "QUEUE_TARGET", "out"));
        env.putAll(extra);
        return RabbitSettings.CONFIG.parse(ConfigSource.of(env));
    }

    String newQueue() throws Exception {
        String name = "vaultml-test-" + UUID.randomUUID();
        queues.add(name);
        Topology.declareQueue(connection, name, "quorum");
        return name;
    }

    List<GetResponse> readAll(String queue, int expected) throws Exception {
        List<GetResponse> out = new ArrayList<>();
        Await.repeatWhile(() -> out.size() < expected, Duration.ofSeconds(10), () -> {
            GetResponse r = admin.basicGet(queue, true);
            if (r == null) {
                Thread.sleep(50);
            } else {
                out.add(r);
            }
        });
        return out;
    }

    void publish(String queue, byte[] body) {
        try {
            admin.basicPublish("", queue, null, body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_METHOD)
    class SourceContract extends EventSourceContract {
        final String queue;

        SourceContract() throws Exception {
            queue = newQueue();
        }

        @Override
        protected EventSource openSource() {
            return new RabbitEventSource(connection, queue, 0, 8, new RabbitConnectionState());
        }

        @Override
        protected void publish(byte[] body) {
            RabbitTransportTest.this.publish(queue, body);
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_METHOD)
    class PublisherContract extends ForwarderContract {
        final String queue;

        PublisherContract() throws Exception {
            queue = newQueue();
        }

        @Override
        protected Forwarder newForwarder() {
            return new RabbitPublisher(connection, "", queue);
        }

        @Override
        protected List<Map.Entry<String, byte[]>> readBack() {
            try {
                return readAll(queue, 2).stream().map(r -> Map.entry(
                        r.getProps().getHeaders().get("vaultml-key").toString(), r.getBody())).toList();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void theAttemptIsTheQuorumQueuesDeliveryCountPlusOne() throws Exception {
        String queue = newQueue();
        publish(queue, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        try (RabbitEventSource source = new RabbitEventSource(connection, queue, 0, 4, new RabbitConnectionState())) {
            Delivery first = poll(source, 1).get(0);
            assertEquals(1, first.attempt());
            source.retryLater(first);
            Delivery second = poll(source, 1).get(0);
            assertEquals(2, second.attempt(), "x-delivery-count 1 after one requeue");
            source.retryLater(second);
            Delivery third = poll(source, 1).get(0);
            assertEquals(3, third.attempt());
            source.complete(third);
        }
        assertEquals(0, admin.messageCount(queue), "acknowledged: gone");
    }

    @Test
    void noMoreThanMaxInFlightAreHandedOutAndTheRestWaitsInTheQueue() throws Exception {
        String queue = newQueue();
        for (int i = 0; i < 5; i++) {
            publish(queue, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        try (RabbitEventSource source = new RabbitEventSource(connection, queue, 100, 2, new RabbitConnectionState())) {
            List<Delivery> got = poll(source, 2);
            assertEquals(2, got.size());
            assertTrue(source.poll(Duration.ofMillis(500)).isEmpty(), "a third while two are unsettled");
            assertEquals(3, admin.messageCount(queue), "prefetch is capped at the worker's two in flight");
            got.forEach(source::complete);
            List<Delivery> next = poll(source, 2);
            next.forEach(source::complete);
            poll(source, 1).forEach(source::complete);
        }
        assertEquals(0, admin.messageCount(queue));
    }

    @Test
    void aChannelClosedByAnErrorIsReplacedAndItsMessagesComeAgain() throws Exception {
        String queue = newQueue();
        publish(queue, "{\"n\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        try (RabbitEventSource source = new RabbitEventSource(connection, queue, 0, 4, new RabbitConnectionState())) {
            Delivery a = poll(source, 1).get(0);
            // Acknowledging a tag the broker never sent is a channel error (406): the broker closes the channel.
            java.lang.reflect.Field f = RabbitEventSource.class.getDeclaredField("channel");
            f.setAccessible(true);
            Channel consuming = (Channel) f.get(source);
            consuming.basicAck(999_999, false);
            Await.repeatWhile(() -> consuming.isOpen(), Duration.ofSeconds(5), () -> {
                Thread.sleep(20);
            });
            assertFalse(consuming.isOpen());
            source.complete(a); // meant for the closed channel: skipped, not another channel error
            publish(queue, "{\"n\":\"b\"}".getBytes(StandardCharsets.UTF_8));
            List<Delivery> again = poll(source, 2);
            assertEquals(List.of("{\"n\":\"a\"}", "{\"n\":\"b\"}"), again.stream()
                    .map(d -> new String(d.payload(), StandardCharsets.UTF_8)).sorted().toList());
            assertEquals(2, again.stream().filter(d -> d.payload().length == a.payload().length
                    && new String(d.payload(), StandardCharsets.UTF_8).contains("a")).findFirst().orElseThrow()
                    .attempt(), "requeued by the broker when the channel closed");
            again.forEach(source::complete);
        }
        assertEquals(0, admin.messageCount(queue));
    }

    @Test
    void aQueueDeclaredWithOtherArgumentsIsAClearStartupError() throws Exception {
        String queue = "vaultml-test-classic-" + UUID.randomUUID();
        queues.add(queue);
        admin.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic"));
        ConfigException e = assertThrows(ConfigException.class, () -> new RabbitTransportProvider()
                .open(config(Map.of("QUEUE_NAME", queue, "QUEUE_TARGET", newQueue())), 4).close());
        assertTrue(e.getMessage().contains("'" + queue + "' exists with other arguments than a durable quorum queue"),
                e.getMessage());
        assertTrue(e.getMessage().contains("PRECONDITION_FAILED"), e.getMessage());
        // The same queue is fine for a worker configured for classic queues.
        String classicTarget = queue + "-out";
        queues.add(classicTarget);
        try (Transport t = new RabbitTransportProvider().open(config(Map.of("QUEUE_NAME", queue, "QUEUE_TARGET",
                classicTarget, "RABBITMQ_QUEUE_TYPE", "classic", "RABBITMQ_DEAD_LETTER_QUEUE", queue)), 4)) {
            assertEquals(0.0, t.gauges().get("vaultml.queue.messages.ready").getAsDouble());
        }
    }

    @Test
    void openDeclaresDurableQuorumQueuesAndDeadLettersCarryTheirReason() throws Exception {
        String input = "vaultml-test-in-" + UUID.randomUUID();
        String target = "vaultml-test-out-" + UUID.randomUUID();
        queues.addAll(List.of(input, target, input + "-dead-letter"));
        try (Transport t = new RabbitTransportProvider().open(config(Map.of("QUEUE_NAME", input, "QUEUE_TARGET",
                target)), 4)) {
            publish(input, "not json".getBytes(StandardCharsets.UTF_8));
            Delivery d = poll(t.events(), 1).get(0);
            t.deadLetters().deadLetter(DeadLetter.of(d, "", new UnprocessableInputException("parse", "Event is not "
                    + "valid JSON")));
            t.events().complete(d);
        }
        // Re-declaring as quorum succeeds only if they are quorum queues already (a classic one would be a 406).
        for (String q : List.of(input, target, input + "-dead-letter")) {
            Topology.declareQueue(connection, q, "quorum");
        }
        GetResponse dead = readAll(input + "-dead-letter", 1).get(0);
        assertArrayEquals("not json".getBytes(StandardCharsets.UTF_8), dead.getBody());
        assertEquals("Event is not valid JSON", dead.getProps().getHeaders().get("vaultml-dlq-reason").toString());
        assertEquals("parse", dead.getProps().getHeaders().get("vaultml-dlq-stage").toString());
        assertEquals(1, ((Number) dead.getProps().getHeaders().get("vaultml-dlq-attempt")).intValue());
        assertEquals(2, dead.getProps().getDeliveryMode(), "persistent");
        assertEquals(0, admin.messageCount(input));
    }

    @Test
    void theDepthGaugeReadsTheQueueAndAsksTheBrokerAtMostEveryFiveSeconds() throws Exception {
        String queue = newQueue();
        for (int i = 0; i < 3; i++) {
            publish(queue, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000);
        RabbitTransportProvider.QueueDepth depth = new RabbitTransportProvider.QueueDepth(connection, queue, now::get);
        // The broker counts a published message as ready once it is enqueued: wait for that, not for a time.
        Await.until(() -> {
            try {
                return admin.messageCount(queue) == 3;
            } catch (java.io.IOException e) {
                return false;
            }
        }, Duration.ofSeconds(10), () -> "3 messages enqueued");
        assertEquals(3.0, depth.ready());
        admin.queuePurge(queue);
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertEquals(3.0, depth.ready(), "cached within 5 s");
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(0.0, depth.ready(), "asked again after 5 s");
    }

    @Test
    void aMissingExchangeOrQueueWhilePublishingIsAnOutageAndPublishingResumesAfterwards() throws Exception {
        String queue = newQueue();
        String exchange = "vaultml-test-x-" + UUID.randomUUID();
        admin.exchangeDeclare(exchange, "direct");
        admin.queueBind(queue, exchange, queue);
        try (RabbitPublisher publisher = new RabbitPublisher(connection, exchange, queue)) {
            publisher.forward(ForwarderContract.message("cam/1.mp4", "{\"n\":1}"));
            admin.exchangeDelete(exchange);
            OutageException gone = assertThrows(OutageException.class,
                    () -> publisher.forward(ForwarderContract.message("cam/2.mp4", "{\"n\":2}")));
            assertTrue(gone.getMessage().contains("NOT_FOUND"), gone.getMessage());
            admin.exchangeDeclare(exchange, "direct");
            OutageException unroutable = assertThrows(OutageException.class,
                    () -> publisher.forward(ForwarderContract.message("cam/2.mp4", "{\"n\":2}")));
            assertTrue(unroutable.getMessage().contains("routes the result for cam/2.mp4 to no queue"),
                    unroutable.getMessage());
            admin.queueBind(queue, exchange, queue);
            publisher.forward(ForwarderContract.message("cam/2.mp4", "{\"n\":2}"));
        } finally {
            admin.exchangeDelete(exchange);
        }
        assertEquals(List.of("cam/1.mp4", "cam/2.mp4"), readAll(queue, 2).stream()
                .map(r -> r.getProps().getHeaders().get("vaultml-key").toString()).toList());
    }

    @Test
    void startupRejectsAMissingExchangeAndBadSettingsWithoutSayingThePassword() {
        ConfigException e = assertThrows(ConfigException.class, () -> new RabbitTransportProvider().open(
                config(Map.of("QUEUE_NAME", "vaultml-test-unused", "RABBITMQ_EXCHANGE", "no-such-exchange")), 4));
        assertTrue(e.getMessage().contains("exchange 'no-such-exchange'"), e.getMessage());
        queues.addAll(List.of("vaultml-test-unused", "out", "vaultml-test-unused-dead-letter"));

        List<String> problems = new RabbitTransportProvider().validate(RabbitSettings.CONFIG.parse(ConfigSource.of(
                Map.of("RABBITMQ_HOST", "http://user:hunter2@rabbit:5672", "RABBITMQ_PASSWORD", "hunter2"))));
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.toString().contains("scheme must be amqp or amqps"), problems.toString());
        assertFalse(problems.toString().contains("hunter2"));

        ConfigException refused = assertThrows(ConfigException.class, () -> new RabbitTransportProvider().open(
                config(Map.of("RABBITMQ_USERNAME", "nobody", "RABBITMQ_PASSWORD", "hunter2")), 4));
        assertTrue(refused.getMessage().contains("refuses the credentials of user 'nobody'"), refused.getMessage());
        assertFalse(refused.getMessage().contains("hunter2"));
    }

    @Test
    void hostSettingsFollowTheOriginalRules() {
        assertEquals("amqp://rabbit:5672//", RabbitSettings.Broker.parse("rabbit:5672").toString());
        RabbitSettings.Broker tls = RabbitSettings.Broker.parse("amqps://u:p%40ss@rabbit.example/hub");
        assertEquals(5671, tls.port());
        assertEquals("hub", tls.vhost());
        assertEquals("p@ss", tls.password());
        assertFalse(tls.toString().contains("p@ss"));
        assertEquals("amqps://rabbit.example:5671/prod", RabbitSettings.describe(RabbitSettings.CONFIG.parse(
                ConfigSource.of(Map.of("RABBITMQ_HOST", "amqps://u:secret@rabbit.example/hub", "RABBITMQ_VHOST",
                        "prod")))));
    }

    @Test
    void whileTheBrokerBlocksTheConnectionNoDeliveryIsTakenAndPublishingWaits() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(RabbitBroker.rabbitmqctl().isPresent(),
                "SKIPPED: raising a memory alarm needs the local broker's rabbitmqctl");
        java.util.regex.Matcher setting = java.util.regex.Pattern.compile("Memory high watermark setting: ([0-9.]+) of")
                .matcher(RabbitBroker.ctl("status"));
        String watermark = setting.find() ? setting.group(1) : "0.4"; // put back what the broker had
        String queue = newQueue();
        String out = newQueue();
        publish(queue, "{\"n\":\"blocked\"}".getBytes(StandardCharsets.UTF_8));
        Connection own = RabbitSettings.connectionFactory(config(Map.of())).newConnection("vault-ml-test-blocked");
        RabbitConnectionState state = RabbitConnectionState.watch(own, "test");
        java.util.concurrent.ExecutorService publishing = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (RabbitEventSource source = new RabbitEventSource(own, queue, 0, 4, state);
                RabbitPublisher publisher = new RabbitPublisher(own, "", out)) {
            RabbitBroker.ctl("set_vm_memory_high_watermark", "0");
            // The broker tells a connection it is blocked when the connection publishes.
            java.util.concurrent.Future<?> pending = publishing.submit(() -> publisher.forward(
                    ForwarderContract.message("cam/1.mp4", "{\"n\":1}")));
            Await.until(state::blocked, Duration.ofSeconds(20), () -> "no connection.blocked from the broker");
            assertTrue(source.poll(Duration.ofSeconds(1)).isEmpty(), "nothing is taken while blocked");
            RabbitBroker.ctl("set_vm_memory_high_watermark", watermark);
            Await.until(() -> !state.blocked(), Duration.ofSeconds(20), () -> "still blocked");
            pending.get(30, java.util.concurrent.TimeUnit.SECONDS); // the confirm came once the alarm cleared
            Delivery d = poll(source, 1).get(0);
            source.complete(d);
        } finally {
            RabbitBroker.ctl("set_vm_memory_high_watermark", watermark);
            publishing.shutdownNow();
            own.close();
        }
        assertEquals(1, readAll(out, 1).size(), "the result published during the alarm arrived");
    }

    static List<Delivery> poll(EventSource source, int count) {
        List<Delivery> got = new ArrayList<>();
        Await.repeatWhile(() -> got.size() < count, Duration.ofSeconds(10), () -> {
            got.addAll(source.poll(Duration.ofMillis(500)));
        });
        assertEquals(count, got.size(), "deliveries within 10 s");
        return got;
    }
}
