package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Transport;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.kafka.EmbeddedKafka;
import io.vaultml.kafka.KafkaSettings;
import io.vaultml.kafka.KafkaTransportProvider;
import io.vaultml.rabbitmq.RabbitSettings;
import io.vaultml.rabbitmq.RabbitTransportProvider;
import io.vaultml.rabbitmq.RabbitBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alerting rules that ship query only metrics the worker exports (the worker's own, and the
 * gauges the Kafka and RabbitMQ transports really offer), and the rules files are well formed and agree.
 */
class MonitoringTest {
    static final Path MONITORING = Path.of("deploy", "monitoring");
    static final Pattern METRIC = Pattern.compile("\\bvaultml_[a-z_]+");

    static Set<String> referenced(List<String> expressions) {
        Set<String> names = new TreeSet<>();
        for (String e : expressions) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Every series name the worker's meters produce once each has been used, plus the transports' gauges. */
    static Set<String> exported() throws Exception {
        Metrics metrics = new Metrics();
        metrics.result(3);
        metrics.deadLetter("decode");
        metrics.retry("fetch");
        metrics.outage("vault");
        metrics.truncated("cam/1.mp4", "truncated");
        metrics.frames(2);
        metrics.stage("decode", 1_000_000);
        metrics.inferenceBatch(1_000_000);
        metrics.detector(new DetectorInfo("onnx-yolo", "m.onnx", "cpu"));
        metrics.ready(() -> true);
        for (String gauge : transportGauges()) {
            metrics.gauge(gauge, () -> 0);
        }
        Set<String> names = new TreeSet<>();
        for (String line : metrics.registry.scrape().split("\n")) {
            if (line.startsWith("vaultml_")) {
                names.add(line.replaceAll("[{ ].*", ""));
            }
        }
        return names;
    }

    /** The gauges the real Kafka and RabbitMQ transports offer, from opened transports. */
    static Set<String> transportGauges() throws Exception {
        Set<String> gauges = new TreeSet<>();
        try (EmbeddedKafka kafka = new EmbeddedKafka(false)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("in", 1, (short) 1), new NewTopic("out", 1, (short) 1),
                        new NewTopic("in-dead-letter", 1, (short) 1))).all().get();
            }
            try (Transport t = new KafkaTransportProvider().open(KafkaSettings.CONFIG.parse(ConfigSource.of(Map.of(
                    "KAFKA_BROKER", kafka.bootstrapServers(), "QUEUE_NAME", "in", "QUEUE_TARGET", "out"))), 2)) {
                gauges.addAll(t.gauges().keySet());
            }
        }
        String queue = "monitoring-" + UUID.randomUUID();
        try (Transport t = new RabbitTransportProvider().open(RabbitSettings.CONFIG.parse(ConfigSource.of(Map.of(
                "RABBITMQ_HOST", RabbitBroker.require().toString(), "QUEUE_NAME", queue, "QUEUE_TARGET", queue,
                "RABBITMQ_DEAD_LETTER_QUEUE", queue))), 2)) {
            gauges.addAll(t.gauges().keySet());
        } finally {
            if (RabbitBroker.rabbitmqctl().isPresent()) {
                RabbitBroker.ctl("delete_queue", queue);
            }
        }
        return gauges;
    }

    @Test
    void theDashboardAndTheRulesQueryOnlyExportedMetricsAndTheRulesFilesAgree() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode dashboard = json.readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
        List<String> panelQueries = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertFalse(panel.get("title").asText().isBlank());
            panel.get("targets").forEach(t -> panelQueries.add(t.get("expr").asText()));
        }
        JsonNode plain = ManifestsTest.YAML.readTree(MONITORING.resolve("vault-ml-alerts.yaml").toFile());
        JsonNode operator = ManifestsTest.ofKind(ManifestsTest.documents(), "PrometheusRule").get(0);
        assertEquals(plain.get("groups"), operator.at("/spec/groups"), "the two rules files agree");
        List<String> ruleQueries = new ArrayList<>();
        Set<String> alerts = new TreeSet<>();
        for (JsonNode rule : plain.at("/groups/0/rules")) {
            for (String field : List.of("alert", "expr", "for")) {
                assertTrue(rule.hasNonNull(field), field + " missing: " + rule);
            }
            assertTrue(Set.of("warning", "critical").contains(rule.at("/labels/severity").asText()), rule.toString());
            assertFalse(rule.at("/annotations/summary").asText().isBlank(), rule.toString());
            ruleQueries.add(rule.get("expr").asText());
            alerts.add(rule.get("alert").asText());
        }
        assertEquals(Set.of("VaultMlNoProgress", "VaultMlLagGrowing", "VaultMlDeadLetterRate",
                "VaultMlRetriesSustained", "VaultMlNotReady"), alerts);

        Set<String> exported = exported();
        Set<String> wanted = referenced(panelQueries);
        wanted.addAll(referenced(ruleQueries));
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(exported);
        assertEquals(Set.of(), missing, "queried but not exported; exported: " + exported);
        assertTrue(wanted.containsAll(Set.of("vaultml_stage_seconds_bucket", "vaultml_consumer_lag_max",
                "vaultml_queue_messages_ready", "vaultml_ready")), wanted.toString());

        String operations = Files.readString(Path.of("..", "docs", "operations.md"));
        for (String alert : alerts) {
            assertTrue(operations.contains("`" + alert + "`"), alert + " is not explained in docs/operations.md");
        }
    }
}
