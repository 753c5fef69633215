package io.vaultml.sqs;

import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Forwarder;
import io.vaultml.api.OutageException;
import io.vaultml.api.ResultMessage;
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
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * Sends results (body = result JSON, attributes = recording key and provenance) or dead letters (body = the
 * original message, attributes = reason, stage, exception, attempt) to an SQS queue. On a FIFO queue every message
 * carries a group id and a deduplication id (a result's: its body; a dead letter's: the delivery, recording,
 * stage and reason), so a redelivered identical result or dead letter is dropped by SQS, and two dead letters from
 * one message are both kept.
 */
public final class SqsPublisher implements Forwarder, DeadLetterSink {
    /** SQS's limit for one message, body and attributes together. */
    static final int MAX_MESSAGE_BYTES = 262_144;
    private static final java.time.Duration OUTAGE_PAUSE = java.time.Duration.ofSeconds(5);
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
        send(message.bodyText(), attributes, "result for " + message.key(), sha256(message.bodyText()));
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
        // Deduplicated per entry: two dead letters from one message (two bad elements of an array) are both kept,
        // while the same entry written again after a redelivery is dropped by a FIFO queue.
        String dedup = sha256(entry.delivery().id() + "\n" + entry.recordingKey() + "\n" + entry.stage() + "\n"
                + entry.reason() + "\n" + body);
        send(body.isEmpty() ? "(empty message)" : body, attributes, "dead letter for " + entry.delivery().id(), dedup);
    }

    /**
     * Sends one message. Over SQS's size limit it is this entry's permanent error; an authorisation error or a
     * queue that no longer exists is a configuration error; anything else (SQS unreachable, throttled) is an
     * outage, so the worker pauses instead of spending the event's retries.
     */
    private void send(String body, Map<String, String> attributes, String what, String deduplicationId) {
        Map<String, MessageAttributeValue> values = new HashMap<>();
        long size = body.getBytes(StandardCharsets.UTF_8).length;
        for (Map.Entry<String, String> a : attributes.entrySet()) {
            String v = a.getValue().isEmpty() ? "-" : a.getValue();
            size += a.getKey().getBytes(StandardCharsets.UTF_8).length + v.getBytes(StandardCharsets.UTF_8).length
                    + "String".length();
            values.put(a.getKey(), MessageAttributeValue.builder().dataType("String").stringValue(v).build());
        }
        if (size > MAX_MESSAGE_BYTES) {
            throw new UnprocessableInputException("forward", "The " + what + " is " + size + " bytes with its "
                    + "attributes, more than the " + MAX_MESSAGE_BYTES + " an SQS message may have");
        }
        SendMessageRequest.Builder request = SendMessageRequest.builder().queueUrl(queueUrl).messageBody(body)
                .messageAttributes(values);
        if (Queues.isFifo(queueUrl)) {
            request.messageGroupId("vault-ml").messageDeduplicationId(deduplicationId);
        }
        try {
            sqs.sendMessage(request.build());
        } catch (software.amazon.awssdk.services.sqs.model.InvalidMessageContentsException e) {
            throw new UnprocessableInputException("forward", "SQS rejects the " + what + ": " + e.getMessage());
        } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
            throw new ConfigException("SQS queue " + queueUrl + " no longer exists");
        } catch (SqsException e) {
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new ConfigException("SQS refuses sending to " + queueUrl + ": " + e.getMessage());
            }
            if (e.statusCode() == 400 && !"RequestThrottled".equals(errorCode(e))) {
                throw new UnprocessableInputException("forward", "SQS rejects the " + what + ": " + e.getMessage());
            }
            throw new OutageException("Sending the " + what + " to " + queueUrl + " failed: " + e.getMessage(),
                    OUTAGE_PAUSE, e);
        } catch (SdkException e) {
            throw new OutageException("Sending the " + what + " to " + queueUrl + " failed: " + e.getMessage(),
                    OUTAGE_PAUSE, e);
        }
    }

    private static String errorCode(SqsException e) {
        return e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
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
