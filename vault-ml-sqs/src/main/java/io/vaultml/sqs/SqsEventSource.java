package io.vaultml.sqs;

import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.RetriableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Recording events from an SQS queue (standard or FIFO), at least once. Messages are received with long polling
 * and stay invisible while they are processed: every third of the visibility timeout a keeper thread extends the
 * visibility of everything in flight, however long a recording takes. A message is deleted only by
 * {@link #complete} (its outcome is durable); {@link #retryLater} and {@link #close} make it visible again at once;
 * a crashed worker's messages reappear when their visibility runs out. The attempt is SQS's
 * {@code ApproximateReceiveCount}, so a redrive policy on the queue and our dead-lettering can coexist.
 */
public final class SqsEventSource implements EventSource {
    private static final Logger log = LoggerFactory.getLogger(SqsEventSource.class);

    private final SqsClient sqs;
    private final String queueUrl;
    private final Duration visibility;
    private final int maxInFlight;
    private final Map<String, String> receipts = new ConcurrentHashMap<>();
    private final ScheduledExecutorService keeper;
    private volatile boolean woken;
    private volatile boolean closed;

    public SqsEventSource(SqsClient sqs, String queueNameOrUrl, Duration visibility, int maxInFlight) {
        this.sqs = sqs;
        this.queueUrl = Queues.url(sqs, queueNameOrUrl);
        this.visibility = visibility;
        this.maxInFlight = maxInFlight;
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vault-ml-sqs-visibility");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, visibility.toMillis() / 3);
        keeper.scheduleAtFixedRate(this::extendVisibility, period, period, TimeUnit.MILLISECONDS);
        log.info("Consuming SQS queue {}", queueUrl);
    }

    @Override
    public List<Delivery> poll(Duration timeout) {
        int room = maxInFlight - receipts.size();
        if (closed || room <= 0) {
            sleep(Math.min(timeout.toMillis(), 200));
            return List.of();
        }
        woken = false;
        // Long polling in chunks of at most 5 s: an HTTP long poll cannot be interrupted, wakeup() waits for it.
        int waitSeconds = (int) Math.min(5, Math.max(0, timeout.toSeconds()));
        List<Message> messages;
        try {
            messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(Math.min(10, room))
                    .waitTimeSeconds(waitSeconds).visibilityTimeout((int) visibility.toSeconds())
                    .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.MESSAGE_GROUP_ID)
                    .messageAttributeNames("All")).messages();
        } catch (SdkException e) {
            throw new RetriableException("SQS receive from " + queueUrl + " failed: " + e.getMessage(), e);
        }
        List<Delivery> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            receipts.put(m.messageId(), m.receiptHandle());
            Map<String, String> attributes = new HashMap<>();
            attributes.put("messageId", m.messageId());
            String group = m.attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
            if (group != null) {
                attributes.put("messageGroupId", group);
            }
            int attempt = Integer.parseInt(m.attributes().getOrDefault(
                    MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1"));
            out.add(new Delivery(m.messageId(), m.body().getBytes(StandardCharsets.UTF_8), attributes, Math.max(1, attempt)));
        }
        return out;
    }

    private void extendVisibility() {
        for (Map.Entry<String, String> e : receipts.entrySet()) {
            try {
                sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(e.getValue())
                        .visibilityTimeout((int) visibility.toSeconds()));
            } catch (SdkException ex) {
                log.warn("Could not extend the visibility of SQS message {}: {}", e.getKey(), ex.getMessage());
            }
        }
    }

    @Override
    public void complete(Delivery delivery) {
        String receipt = receipts.remove(delivery.id());
        if (receipt == null) {
            return;
        }
        try {
            sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(receipt));
        } catch (SdkException e) {
            // It comes back after its visibility timeout and is processed again: at least once, never lost.
            log.warn("Could not delete SQS message {} after processing: {}", delivery.id(), e.getMessage());
        }
    }

    @Override
    public void retryLater(Delivery delivery) {
        String receipt = receipts.remove(delivery.id());
        if (receipt != null) {
            release(delivery.id(), receipt);
        }
    }

    private void release(String id, String receipt) {
        try {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receipt).visibilityTimeout(0));
        } catch (SdkException e) {
            log.warn("Could not release SQS message {} (it returns after its visibility timeout): {}", id, e.getMessage());
        }
    }

    private double lastReady = Double.NaN;
    private long readyAskedAt;

    /**
     * Messages waiting in the queue (SQS's approximate count of visible messages), asked at most every 5 s; NaN when
     * SQS does not answer. The backlog gauge {@code /metrics} shows.
     */
    synchronized double messagesReady() {
        if (readyAskedAt != 0 && System.nanoTime() - readyAskedAt < 5_000_000_000L) {
            return lastReady;
        }
        readyAskedAt = System.nanoTime();
        try {
            String count = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            lastReady = count == null ? Double.NaN : Double.parseDouble(count);
        } catch (RuntimeException e) { // SQS unreachable, or the client closed at shutdown
            lastReady = Double.NaN;
        }
        return lastReady;
    }

    @Override
    public void wakeup() {
        woken = true;
    }

    @Override
    public String describe() {
        return "SQS queue " + queueUrl;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        keeper.shutdownNow();
        receipts.forEach(this::release);
        receipts.clear();
        sqs.close();
    }

    private void sleep(long millis) {
        try {
            long until = System.currentTimeMillis() + millis;
            while (!woken && System.currentTimeMillis() < until) {
                Thread.sleep(Math.min(50, millis));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
