package io.vaultml.worker;

import io.vaultml.test.Await;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.vaultml.test.TestData;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The packaged worker as its own process on SQS (ElasticMQ), configured only through the AWS SDK's standard
 * variables, with Vault served by WireMock; SIGTERM mid-run and a restart lose nothing.
 */
class SqsWorkerIT {

    @Test
    void awsStandardEnvironmentIsEnoughAndSigtermLosesNothing() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(WorkerProcessIT.JAR), "SKIPPED: worker jar not built");
        Path dir = WorkerProcesses.logDir("SqsWorkerIT");
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        String endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        WireMockServer vault = new WireMockServer(options().dynamicPort());
        vault.start();
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"))).build()) {
            String in = sqs.createQueue(b -> b.queueName("recordings")).queueUrl();
            String out = sqs.createQueue(b -> b.queueName("results")).queueUrl();
            sqs.createQueue(b -> b.queueName("recordings-dead-letter"));
            Set<String> keys = new TreeSet<>();
            try (Stream<Path> files = Files.list(TestData.require("videos/kerberos"))) {
                for (Path f : files.sorted().toList()) {
                    String key = "u/" + f.getFileName();
                    keys.add(key);
                    vault.stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo(key))
                            .willReturn(ok().withBody(Files.readAllBytes(f))));
                    sqs.sendMessage(b -> b.queueUrl(in).messageBody("{\"source\":\"s3\",\"payload\":{\"key\":\"" + key + "\"}}"));
                }
            }
            Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "SQS", "QUEUE_NAME", "recordings",
                    "QUEUE_TARGET", "results", "AWS_REGION", "eu-west-1", "AWS_ACCESS_KEY_ID", "x",
                    "AWS_SECRET_ACCESS_KEY", "y", "AWS_ENDPOINT_URL_SQS", endpoint, "METRICS_PORT", "0",
                    "SHUTDOWN_TIMEOUT", "60s"));
            env.putAll(Map.of("VAULT_API_URL", vault.baseUrl() + "/api", "VAULT_ACCESS_KEY", "a", "VAULT_SECRET_KEY", "b",
                    "MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(), "DEVICE", "cpu",
                    "CLASSIFICATION_FPS", "4", "SQS_VISIBILITY_TIMEOUT", "10s"));
            List<Message> results = new ArrayList<>();
            Process first = KafkaWorkerIT.start(env, dir.resolve("first.log"));
            Await.repeatWhile(() -> results.isEmpty() && first.isAlive(), Duration.ofSeconds(120), () -> {
                results.addAll(receive(sqs, out));
            });
            assertTrue(first.isAlive(), Files.readString(dir.resolve("first.log")));
            first.destroy();
            assertTrue(first.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
            assertTrue(results.size() < keys.size(), "SIGTERM came after everything was done");

            Process second = KafkaWorkerIT.start(env, dir.resolve("second.log"));
            Await.repeatWhile(() -> keysOf(results).size() < keys.size() && second.isAlive(), Duration.ofSeconds(240), () -> {
                results.addAll(receive(sqs, out));
            });
            if (keysOf(results).size() < keys.size()) {
                WorkerProcesses.threadDump(second); // gave up waiting: show what the worker was doing
            }
            second.destroy();
            assertTrue(second.waitFor(90, TimeUnit.SECONDS));
            assertEquals(0, second.exitValue(), Files.readString(dir.resolve("second.log")));
            results.addAll(receive(sqs, out));
            assertEquals(keys, keysOf(results), () -> WorkerProcesses.logs(dir));
            assertEquals(keys.size(), results.size(), "a graceful stop publishes nothing twice");
        } finally {
            vault.stop();
            server.stopAndWait();
        }
    }

    static List<Message> receive(SqsClient sqs, String url) {
        List<Message> got = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                .messageAttributeNames("All")).messages();
        got.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
        return got;
    }

    static Set<String> keysOf(List<Message> messages) {
        Set<String> keys = new TreeSet<>();
        messages.forEach(m -> keys.add(m.messageAttributes().get("vaultml-key").stringValue()));
        return keys;
    }
}
