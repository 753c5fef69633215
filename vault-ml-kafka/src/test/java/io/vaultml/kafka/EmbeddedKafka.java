package io.vaultml.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (KRaft, broker and controller in one) inside the test JVM, PLAINTEXT or SASL/PLAIN
 * (users {@code worker/worker-secret} and {@code admin/admin-secret}). Single-broker settings: every internal
 * topic has replication factor 1, otherwise consumer groups never get their offsets topic.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private KafkaRaftServer server;
    private final KafkaConfig config;
    private final Path dir;
    private final int port;

    public EmbeddedKafka(boolean sasl) throws Exception {
        dir = Files.createTempDirectory("kraft");
        port = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "CLIENT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "CLIENT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "CLIENT:" + (sasl ? "SASL_PLAINTEXT" : "PLAINTEXT") + ",CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "CLIENT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("log.dirs", dir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        if (sasl) {
            p.put("sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("listener.name.client.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                            + "password=\"admin-secret\" user_admin=\"admin-secret\" user_worker=\"worker-secret\";");
        }
        config = KafkaConfig.fromProps(p, false);
        new Formatter().setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(1).setClusterId(Uuid.randomUuid().toString())
                .addDirectory(dir.toString()).setMetadataLogDirectory(dir.toString())
                .setControllerListenerName("CONTROLLER").setReleaseVersion(MetadataVersion.LATEST_PRODUCTION).run();
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Stops the broker, keeping its data and ports, as a crash or an upgrade would. */
    public void stop() {
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    /** Starts the stopped broker again on the same ports with the same data. */
    public void start() {
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
