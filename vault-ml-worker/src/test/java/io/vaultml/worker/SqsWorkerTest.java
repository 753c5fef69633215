package io.vaultml.worker;

import io.vaultml.test.Await;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import io.vaultml.api.config.ConfigSource;
import io.vaultml.test.TestData;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The worker with QUEUE_SYSTEM=SQS: ElasticMQ as SQS, WireMock as Vault, the real model. */
@WireMockTest
class SqsWorkerTest {

    @Test
    void eventsFromSqsBecomeResultsAndPoisonBecomesADeadLetter(WireMockRuntimeInfo vault) throws Exception {
        String[] files = {"1700000400_1-0_office_300-50-250-380_12_0.mp4", "1700000200_2-40_pedestrians_100-100-500-400_18_0.mp4"};
        for (String f : files) {
            stubFor(get("/api/storage/blob").withHeader("X-Kerberos-Storage-FileName", equalTo("u/" + f))
                    .willReturn(ok().withBody(Files.readAllBytes(TestData.require("videos/kerberos/" + f)))));
        }
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        String endpoint = "http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort();
        try (SqsClient sqs = SqsClient.builder().endpointOverride(java.net.URI.create(endpoint)).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"))).build()) {
            String in = sqs.createQueue(b -> b.queueName("recordings")).queueUrl();
            String out = sqs.createQueue(b -> b.queueName("results")).queueUrl();
            String dlq = sqs.createQueue(b -> b.queueName("recordings-dead-letter")).queueUrl();
            for (String f : files) {
                sqs.sendMessage(b -> b.queueUrl(in).messageBody("{\"source\":\"s3\",\"payload\":{\"key\":\"u/" + f + "\"}}"));
            }
            sqs.sendMessage(b -> b.queueUrl(in).messageBody("[1, 2]"));

            Map<String, String> env = new HashMap<>(Map.of("QUEUE_SYSTEM", "SQS", "QUEUE_NAME", "recordings",
                    "QUEUE_TARGET", "results", "SQS_ENDPOINT", endpoint, "SQS_REGION", "eu-west-1",
                    "SQS_ACCESS_KEY", "x", "SQS_SECRET_KEY", "y", "METRICS_PORT", "0"));
            env.putAll(Map.of("VAULT_API_URL", vault.getHttpBaseUrl() + "/api", "VAULT_ACCESS_KEY", "a",
                    "VAULT_SECRET_KEY", "b", "MODEL_PATH", TestData.require("models/yolox_nano.onnx").toString(),
                    "DEVICE", "cpu"));
            WorkerApp app = WorkerApp.create(ConfigSource.of(env));
            CompletableFuture<Integer> running = CompletableFuture.supplyAsync(app::run);
            List<Message> results = new ArrayList<>();
            List<Message> dead = new ArrayList<>();
            Await.repeatWhile(() -> (results.size() < 2 || dead.size() < 2), Duration.ofSeconds(90), () -> {
                results.addAll(sqs.receiveMessage(b -> b.queueUrl(out).maxNumberOfMessages(10).waitTimeSeconds(1)
                        .messageAttributeNames("All")).messages());
                dead.addAll(sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).waitTimeSeconds(0)
                        .messageAttributeNames("All")).messages());
            });
            app.stop();
            assertEquals(0, running.get());
            app.close();

            Set<String> keys = new TreeSet<>();
            results.forEach(m -> keys.add(m.messageAttributes().get("vaultml-key").stringValue()));
            assertEquals(Set.of("u/" + files[0], "u/" + files[1]), keys);
            // One dead letter per element of the bad array, each with its own reason.
            assertEquals(2, dead.size());
            Set<String> reasons = new TreeSet<>();
            for (Message m : dead) {
                assertEquals("[1, 2]", m.body());
                reasons.add(m.messageAttributes().get("vaultml-dlq-reason").stringValue());
            }
            assertEquals(Set.of("Event array element [0] must be a JSON object, got a number",
                    "Event array element [1] must be a JSON object, got a number"), reasons);
            Map<QueueAttributeName, String> left = sqs.getQueueAttributes(b -> b.queueUrl(in).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            assertTrue(left.values().stream().allMatch("0"::equals), "every event was deleted: " + left);
        } finally {
            server.stopAndWait();
        }
    }
}
