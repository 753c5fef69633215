package io.vaultml.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.vaultml.kafka.EmbeddedKafka;
import io.vaultml.test.Await;
import io.vaultml.test.TestData;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The shipped manifests ({@code deploy/kubernetes/configmap.yaml}, {@code secret.yaml}, {@code deployment-cpu.yaml})
 * played with {@code podman kube play} and the CPU image, on Kafka in this JVM and WireMock as Vault. The test's
 * copies change only what Podman cannot do or what the test needs, each named where it is changed: the broker and
 * Vault addresses, plain-text Kafka, the model file, host networking (and so no {@code ports}, probes by number), the
 * Secret given as a ConfigMap. The pod consumes and publishes, its probes answer, and replacing it mid-stream
 * ({@code kube play --replace}) loses nothing and publishes nothing twice. Needs Podman and the image; skips
 * without them unless {@code VAULT_ML_REQUIRE_IMAGE=true} (CI).
 */
class ImageKubePlayIT {
    static final Path MANIFESTS = Path.of("deploy", "kubernetes");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final String MODEL_VOLUME = "vault-ml-models"; // the PersistentVolumeClaim's name: Podman uses a volume

    @Test
    void thePlayedDeploymentConsumesPublishesAnswersItsProbesAndLosesNothingWhenReplaced() throws Exception {
        Podman.requireImage(Podman.CPU_IMAGE);
        String[] recordings = KafkaScenario.RECORDINGS;
        Assumptions.assumeTrue(recordings.length >= 7, "SKIPPED: the test recordings (videos/kerberos) are missing");
        Path dir = WorkerProcesses.logDir("ImageKubePlayIT");
        int metricsPort = freePort();
        WireMockServer vault = new WireMockServer(options().dynamicPort());
        vault.start();
        Path deployment = dir.resolve("deployment-cpu.yaml");
        try (EmbeddedKafka kafka = new EmbeddedKafka(false)) {
            ObjectNode configMap = (ObjectNode) YAML.readTree(MANIFESTS.resolve("configmap.yaml").toFile());
            ObjectNode data = (ObjectNode) configMap.get("data");
            String input = data.get("QUEUE_NAME").asText();
            String target = data.get("QUEUE_TARGET").asText();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(input, 2, (short) 1), new NewTopic(target, 1, (short) 1),
                        new NewTopic(input + "-dead-letter", 1, (short) 1))).all().get();
            }
            // The test's Kafka, in this JVM, without SASL; WireMock as Vault; the model the test data has.
            data.put("KAFKA_BROKER", kafka.bootstrapServers());
            data.put("KAFKA_SECURITY", "PLAINTEXT");
            data.put("VAULT_API_URL", vault.baseUrl() + "/api");
            data.put("MODEL_PATH", "/models/yolox_nano.onnx");
            data.put("METRICS_PORT", Integer.toString(metricsPort)); // host networking: a port free on this host
            YAML.writeValue(dir.resolve("configmap.yaml").toFile(), configMap);
            writeSecretAsConfigMap(dir.resolve("secret-as-configmap.yaml"));
            writeDeployment(deployment, metricsPort);
            provideModelVolume(TestData.require("models/yolox_nano.onnx"));

            List<String> keys = new ArrayList<>();
            for (String batch : List.of("first", "second", "third")) {
                for (String f : recordings) {
                    String key = "cam-user/" + batch + "/" + f;
                    keys.add(key);
                    vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                            .withHeader("X-Kerberos-Storage-SecretAccessKey", equalTo("vault-secret"))
                            .willReturn(ok().withBody(Files.readAllBytes(TestData.require("videos/kerberos/" + f)))));
                }
            }
            Path firstLog = dir.resolve("first-pod.log");
            Path secondLog = dir.resolve("second-pod.log");
            Path thirdLog = dir.resolve("third-pod.log");
            Podman.run("podman", "kube", "down", deployment.toString()); // a run that was cut short
            Podman.Result played = Podman.run(play(dir, deployment, firstLog));
            assertTrue(played.ok(), played::output);
            String first = container();

            Map<String, Integer> published = new TreeMap<>();
            List<String> dead = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = producer(kafka);
                    KafkaConsumer<byte[], byte[]> results = KafkaWorkerIT.reader(kafka, target);
                    KafkaConsumer<byte[], byte[]> deadLetters = KafkaWorkerIT.reader(kafka, input + "-dead-letter")) {
                Await.Step read = () -> {
                    for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                        published.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                    deadLetters.poll(Duration.ofMillis(20)).forEach(r -> dead.add(new String(r.value(), StandardCharsets.UTF_8)));
                };
                Await.until(() -> status(metricsPort, "/readyz") == 200, Duration.ofSeconds(90),
                        () -> "the pod's /readyz never answered 200\n" + Podman.run("podman", "logs", first).output());
                // The manifest's securityContext, as played: user 10001, a read-only root with /tmp writable.
                assertEquals("10001", Podman.run("podman", "exec", first, "id", "-u").output().strip());
                assertTrue(!Podman.run("podman", "exec", first, "touch", "/opt/x").ok(), "the root is read-only");
                assertTrue(Podman.run("podman", "exec", first, "touch", "/tmp/x").ok(), "/tmp is writable");
                Podman.Result liveness = Podman.run("podman", "healthcheck", "run", first);
                assertTrue(liveness.ok(), () -> "the livenessProbe, as Podman runs it: " + liveness.output());
                int n = recordings.length;
                keys.subList(0, n).forEach(k -> send(producer, input, event(k)));
                // 1. Replaced as Kubernetes replaces a pod: SIGTERM with the grace period, then the new one. Podman's
                // kube down (and so play --replace) gives no grace period, so the test stops the pod first.
                Await.repeatWhile(() -> published.size() < 2, Duration.ofSeconds(120), read);
                assertTrue(published.size() >= 2, () -> "no results from the first pod: " + published);
                Podman.Result stopped = Podman.run("podman", "pod", "stop", "-t", "70", pod(first));
                assertTrue(stopped.ok(), stopped::output);
                assertEquals("0", Podman.run("podman", "inspect", first, "--format", "{{.State.ExitCode}}").output().strip());
                String old = Files.readString(firstLog);
                // Deliveries polled but not begun are handed back (the next pod takes them); nothing was cut short.
                assertTrue(old.contains("\"formattedMessage\":\"Stopped: ") && !old.contains("still in flight after"),
                        () -> tail(old));
                int atGracefulReplacement = published.size();
                Podman.Result replaced = Podman.run(with(play(dir, deployment, secondLog), "--replace"));
                assertTrue(replaced.ok(), replaced::output);
                keys.subList(n, 2 * n).forEach(k -> send(producer, input, event(k)));
                // 2. Replaced as podman kube play --replace does it alone: the old pod is killed mid-recording.
                Await.repeatWhile(() -> published.size() < n + 2, Duration.ofSeconds(120), read);
                int atKill = published.size();
                Podman.Result killed = Podman.run(with(play(dir, deployment, thirdLog), "--replace"));
                assertTrue(killed.ok(), killed::output);
                String third = container();
                keys.subList(2 * n, 3 * n).forEach(k -> send(producer, input, event(k)));
                Await.repeatWhile(() -> published.size() + dead.size() < keys.size(), Duration.ofSeconds(180), read);
                read.run(); // anything late: a second copy would show here

                assertEquals(keys.size(), published.size(), () -> "every recording published: " + published.keySet()
                        + "\ndead letters: " + dead + "\n" + WorkerProcesses.logs(dir));
                assertEquals(List.of(), dead);
                Map<String, Integer> twice = new TreeMap<>(published);
                twice.values().removeIf(count -> count == 1);
                // Only what the killed pod had running may come twice (at least once); never a graceful stop's.
                assertTrue(twice.size() <= 2 && twice.keySet().stream().allMatch(k -> k.contains("/second/")),
                        () -> "published twice: " + twice);
                assertEquals(200, status(metricsPort, "/healthz"));
                System.out.printf("ImageKubePlayIT: %d recordings through the played Deployment; graceful replacement "
                        + "after %d results: none lost, none twice; killed by kube play --replace after %d: none lost, "
                        + "%d published twice (in flight at the kill); Podman's stop timeout %s s (the manifest asks "
                        + "%d)%n", keys.size(), atGracefulReplacement, atKill, twice.size(),
                        Podman.run("podman", "inspect", third, "--format", "{{.Config.StopTimeout}}").output().strip(),
                        70);
            }
        } finally {
            Podman.run("podman", "kube", "down", deployment.toString());
            Podman.run("podman", "volume", "rm", "-f", MODEL_VOLUME);
            vault.stop();
        }
    }

    /** Podman takes a Secret but cannot hand it to {@code envFrom} (it is "not valid JSON"): the same keys as a ConfigMap. */
    private static void writeSecretAsConfigMap(Path to) throws Exception {
        JsonNode secret = YAML.readTree(MANIFESTS.resolve("secret.yaml").toFile());
        ObjectNode values = ((ObjectNode) secret.get("stringData")).deepCopy();
        values.put("VAULT_ACCESS_KEY", "vault-access");
        values.put("VAULT_SECRET_KEY", "vault-secret");
        ObjectNode configMap = YAML.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        configMap.putObject("metadata").put("name", "vault-ml-secret");
        configMap.set("data", values);
        YAML.writeValue(to.toFile(), configMap);
    }

    private static void writeDeployment(Path to, int metricsPort) throws Exception {
        ObjectNode deployment = (ObjectNode) YAML.readTree(MANIFESTS.resolve("deployment-cpu.yaml").toFile());
        ObjectNode pod = (ObjectNode) deployment.at("/spec/template/spec");
        pod.put("hostNetwork", true); // to reach Kafka and WireMock on 127.0.0.1
        ObjectNode container = (ObjectNode) pod.at("/containers/0");
        container.remove("ports"); // Podman refuses port mappings with host networking...
        for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
            ((ObjectNode) container.at("/" + probe + "/httpGet")).put("port", metricsPort); // ...so no named port
        }
        for (JsonNode from : container.get("envFrom")) {
            if (from.has("secretRef")) {
                ((ObjectNode) from).remove("secretRef");
                ((ObjectNode) from).putObject("configMapRef").put("name", "vault-ml-secret");
            }
        }
        YAML.writeValue(to.toFile(), deployment);
    }

    /** The claim {@code vault-ml-models} is a Podman volume of that name: the model copied into it. */
    private static void provideModelVolume(Path model) throws Exception {
        Podman.run("podman", "volume", "rm", "-f", MODEL_VOLUME);
        Podman.Result created = Podman.run("podman", "volume", "create", MODEL_VOLUME);
        assertTrue(created.ok(), created::output);
        Path mount = Path.of(Podman.run("podman", "volume", "inspect", MODEL_VOLUME, "--format", "{{.Mountpoint}}")
                .output().strip());
        Files.copy(model, mount.resolve(model.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The worker container of the played pod (Podman names it after the Deployment, the pod and the container). */
    private static String container() {
        Podman.Result names = Podman.run("podman", "ps", "--format", "{{.Names}}");
        return names.output().lines().filter(n -> n.startsWith("vault-ml-cpu-pod") && n.endsWith("-vault-ml"))
                .findFirst().orElseThrow(() -> new AssertionError("no worker container: " + names.output()));
    }

    /** The play command, the pod's log in a file of its own (it outlives the pod, so a replaced pod's last words stay). */
    private static List<String> play(Path dir, Path deployment, Path log) {
        return List.of("podman", "kube", "play", "--log-driver", "k8s-file", "--log-opt", "path=" + log,
                "--configmap", dir.resolve("configmap.yaml").toString(),
                "--configmap", dir.resolve("secret-as-configmap.yaml").toString(), deployment.toString());
    }

    private static String tail(String log) {
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static List<String> with(List<String> command, String option) {
        List<String> c = new ArrayList<>(command);
        c.add(3, option);
        return c;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String body) {
        try {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic,
                    body.getBytes(StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not send an event", e);
        }
    }

    private static String pod(String container) {
        return Podman.run("podman", "inspect", container, "--format", "{{.Pod}}").output().strip();
    }

    private static String event(String key) {
        return "{\"source\":\"storj\",\"payload\":{\"key\":\"" + key + "\",\"metadata\":{\"publickey\":\"PUB-1\"}}}";
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(), "key.serializer",
                ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName()));
    }

    private static int status(int port, String path) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
