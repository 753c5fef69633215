package io.vaultml.sqs;

import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Forwarder;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends results (body = result JSON, attributes = recording key and provenance) or dead letters (body = the
 * original message, attributes = reason, stage, exception, attempt) to an SQS queue. On a FIFO queue every message
 * carries a group id and a content-based deduplication id, so a redelivered identical result is dropped by SQS.
 */
public final class SqsPublisher implements Forwarder, DeadLetterSink {
    private final SqsClient sqs;
    private final String queueUrl;
    private final boolean ownsClient;

    public SqsPublisher(SqsClient sqs, String queueNameOrUrl, boolean ownsClient) {
        this.sqs = sqs;
        this.queueUrl = Queues.url(sqs, queueNameOrUrl);
        this.ownsClient = ownsClient;
    }

    @Override
    public void forward(ResultMessage message) {
        Map<String, String> attributes = new HashMap<>(message.headers());
        attributes.put("vaultml-key", message.key());
        send(message.bodyText(), attributes, "result for " + message.key());
    }

    @Override
    public void deadLetter(DeadLetter entry) {
        Map<String, String> attributes = new HashMap<>(Map.of("vaultml-dlq-reason", entry.reason(),
                "vaultml-dlq-stage", entry.stage(), "vaultml-dlq-exception", entry.exceptionClass(),
                "vaultml-dlq-attempt", String.valueOf(entry.delivery().attempt()),
                "vaultml-dlq-source", entry.delivery().id()));
        if (!entry.recordingKey().isEmpty()) {
            attributes.put("vaultml-dlq-recording-key", entry.recordingKey());
        }
        String body = new String(entry.delivery().payload(), StandardCharsets.UTF_8);
        send(body.isEmpty() ? "(empty message)" : body, attributes, "dead letter for " + entry.delivery().id());
    }

    private void send(String body, Map<String, String> attributes, String what) {
        Map<String, MessageAttributeValue> values = new HashMap<>();
        attributes.forEach((k, v) -> values.put(k, MessageAttributeValue.builder().dataType("String")
                .stringValue(v.isEmpty() ? "-" : v).build()));
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(values);
        if (Queues.isFifo(queueUrl)) {
            request.messageGroupId("vault-ml").messageDeduplicationId(sha256(body));
        }
        try {
            sqs.sendMessage(request.build());
        } catch (software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException e) {
            throw new UnprocessableInputException("forward", "SQS rejects the " + what + ": " + e.getMessage());
        } catch (SdkException e) {
            throw new RetriableException("Sending the " + what + " to " + queueUrl + " failed: " + e.getMessage(), e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String describe() {
        return "SQS queue " + queueUrl;
    }

    @Override
    public void close() {
        if (ownsClient) {
            sqs.close();
        }
    }
}
