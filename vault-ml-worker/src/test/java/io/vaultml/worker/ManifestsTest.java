package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vaultml.api.config.Config;
import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The Kubernetes manifests agree with the worker: env names, values, probes, ports, grace period, GPU, KEDA. */
class ManifestsTest {
    static final Path DIR = Path.of("deploy", "kubernetes");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Set for the JVM, not read by the worker's configuration. */
    static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    static List<JsonNode> documents() throws Exception {
        return documents(DIR);
    }

    static List<JsonNode> documents(Path dir) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (it.hasNext()) {
                        JsonNode doc = it.next();
                        if (doc != null && !doc.isEmpty()) {
                            docs.add(doc);
                        }
                    }
                }
            }
        }
        return docs;
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    @Test
    void everyVariableIsADeclaredSettingWithAValidValue() throws Exception {
        ConfigDef def = WorkerApp.definition(ConfigurationDocTest.shipped());
        Map<String, String> env = new HashMap<>();
        for (String kind : List.of("ConfigMap", "Secret")) {
            for (JsonNode doc : ofKind(documents(), kind)) {
                doc.path(kind.equals("Secret") ? "stringData" : "data").fields()
                        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
        }
        for (JsonNode deployment : ofKind(documents(), "Deployment")) {
            for (JsonNode container : deployment.at("/spec/template/spec/containers")) {
                for (JsonNode var : container.path("env")) {
                    env.put(var.get("name").asText(), var.path("value").asText());
                }
            }
        }
        assertFalse(env.isEmpty());
        for (String name : env.keySet()) {
            assertTrue(def.byName().containsKey(name) || JVM_VARIABLES.contains(name), name + " is not a worker setting");
        }
        Config config = def.parse(ConfigSource.of(env)); // throws listing every invalid value
        assertEquals("KAFKA", config.get(WorkerSettings.QUEUE_SYSTEM));
    }

    @Test
    void probesPortsAndGracePeriodMatchTheWorker() throws Exception {
        List<JsonNode> docs = documents();
        String metricsPort = ofKind(docs, "ConfigMap").get(0).at("/data/METRICS_PORT").asText();
        Duration shutdown = Duration.parse("PT" + ofKind(docs, "ConfigMap").get(0).at("/data/SHUTDOWN_TIMEOUT").asText()
                .toUpperCase());
        List<JsonNode> deployments = ofKind(docs, "Deployment");
        assertEquals(2, deployments.size());
        for (JsonNode d : deployments) {
            JsonNode pod = d.at("/spec/template");
            JsonNode c = pod.at("/spec/containers/0");
            assertEquals(metricsPort, c.at("/ports/0/containerPort").asText());
            assertEquals("metrics", c.at("/ports/0/name").asText());
            assertEquals("/healthz", c.at("/livenessProbe/httpGet/path").asText());
            assertEquals("/readyz", c.at("/readinessProbe/httpGet/path").asText());
            assertEquals("metrics", c.at("/livenessProbe/httpGet/port").asText());
            assertEquals(metricsPort, pod.at("/metadata/annotations/prometheus.io~1port").asText());
            assertEquals("/metrics", pod.at("/metadata/annotations/prometheus.io~1path").asText());
            long grace = pod.at("/spec/terminationGracePeriodSeconds").asLong();
            assertTrue(grace > shutdown.toSeconds() + 5, "grace " + grace + " s must exceed SHUTDOWN_TIMEOUT " + shutdown);
            assertTrue(c.at("/securityContext/readOnlyRootFilesystem").asBoolean());
            assertTrue(c.path("volumeMounts").toString().contains("\"/tmp\""), "natives unpack under /tmp");
        }
    }

    @Test
    void theGpuDeploymentRequestsOneGpuAndKedaStaysWithinThePartitions() throws Exception {
        List<JsonNode> docs = documents();
        JsonNode gpu = ofKind(docs, "Deployment").stream()
                .filter(d -> d.at("/metadata/name").asText().equals("vault-ml-gpu")).findFirst().orElseThrow();
        assertEquals(1, gpu.at("/spec/template/spec/containers/0/resources/limits/nvidia.com~1gpu").asInt());
        JsonNode scaled = ofKind(docs, "ScaledObject").stream()
                .filter(d -> d.at("/spec/triggers/0/type").asText().equals("kafka")).findFirst().orElseThrow();
        assertEquals("vault-ml-gpu", scaled.at("/spec/scaleTargetRef/name").asText());
        int partitions = scaled.at("/metadata/annotations/vault-ml~1topic-partitions").asInt();
        assertTrue(scaled.at("/spec/maxReplicaCount").asInt() <= partitions);
        JsonNode trigger = scaled.at("/spec/triggers/0/metadata");
        JsonNode config = ofKind(docs, "ConfigMap").get(0).path("data");
        assertEquals(config.get("QUEUE_NAME").asText(), trigger.get("topic").asText());
        assertEquals(config.get("KAFKA_GROUP").asText(), trigger.get("consumerGroup").asText());
        assertEquals(config.get("KAFKA_BROKER").asText(), trigger.get("bootstrapServers").asText());
        assertEquals(1, ofKind(docs, "PodDisruptionBudget").size());
        JsonNode sqs = ofKind(docs, "ScaledObject").stream()
                .filter(d -> d.at("/spec/triggers/0/type").asText().equals("aws-sqs-queue")).findFirst().orElseThrow();
        assertTrue(sqs.at("/spec/triggers/0/metadata/queueURL").asText().endsWith("/" + config.get("QUEUE_NAME").asText()));
        List<String> deployments = ofKind(docs, "Deployment").stream().map(d -> d.at("/metadata/name").asText()).toList();
        for (JsonNode s : ofKind(docs, "ScaledObject")) {
            assertTrue(deployments.contains(s.at("/spec/scaleTargetRef/name").asText()));
        }
    }

    /** The original vault-ml and the Hub's deployments agree on the queue names: a FIFO queue ends in .fifo. */
    @Test
    void bothVariantsUseTheKerberosQueueNamesAndTheHubVariantItsBrokerFormatAndWords() throws Exception {
        List<JsonNode> standalone = documents();
        JsonNode config = ofKind(standalone, "ConfigMap").get(0).path("data");
        assertEquals("kcloud-classify-queue.fifo", config.get("QUEUE_NAME").asText());
        assertEquals("kcloud-analysis-queue", config.get("QUEUE_TARGET").asText());
        JsonNode sqs = ofKind(standalone, "ScaledObject").stream()
                .filter(d -> d.at("/spec/triggers/0/type").asText().equals("aws-sqs-queue")).findFirst().orElseThrow();
        assertTrue(sqs.at("/spec/triggers/0/metadata/queueURL").asText().endsWith("/kcloud-classify-queue.fifo"));

        List<JsonNode> hub = documents(DIR.resolve("hub"));
        JsonNode hubConfig = ofKind(hub, "ConfigMap").get(0);
        assertEquals("kerberos-hub", hubConfig.at("/metadata/labels/vault-ml~1variant").asText());
        assertEquals(config.path("QUEUE_NAME"), hubConfig.at("/data/QUEUE_NAME"));
        assertEquals(config.path("QUEUE_TARGET"), hubConfig.at("/data/QUEUE_TARGET"));
        Map<String, String> env = new HashMap<>();
        hubConfig.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        ofKind(standalone, "Secret").get(0).path("stringData").fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        Config parsed = WorkerApp.definition(ConfigurationDocTest.shipped()).parse(ConfigSource.of(env));
        assertEquals("RABBITMQ", parsed.get(WorkerSettings.QUEUE_SYSTEM));
        assertEquals("hub", parsed.get(io.vaultml.kerberos.ResultWriter.RESULT_FORMAT));
        assertEquals("hub", parsed.get(io.vaultml.kerberos.ResultWriter.LABELS));
        JsonNode rabbit = ofKind(hub, "ScaledObject").stream()
                .filter(d -> d.at("/spec/triggers/0/type").asText().equals("rabbitmq")).findFirst().orElseThrow();
        assertEquals("kcloud-classify-queue.fifo", rabbit.at("/spec/triggers/0/metadata/queueName").asText());
        JsonNode auth = ofKind(hub, "TriggerAuthentication").stream().filter(a -> a.at("/metadata/name").asText()
                .equals(rabbit.at("/spec/triggers/0/authenticationRef/name").asText())).findFirst().orElseThrow();
        String hostKey = auth.at("/spec/secretTargetRef/0/key").asText();
        assertTrue(ofKind(standalone, "Secret").get(0).path("stringData").has(hostKey), hostKey);
        List<String> deployments = ofKind(standalone, "Deployment").stream().map(d -> d.at("/metadata/name").asText())
                .toList();
        assertTrue(deployments.contains(rabbit.at("/spec/scaleTargetRef/name").asText()));
    }
}
