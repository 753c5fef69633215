package io.vaultml.worker;

import io.vaultml.api.AnalysisResult;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Delivery;
import io.vaultml.api.Forwarder;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.kerberos.KerberosEvents;
import io.vaultml.kerberos.KerberosResults;
import io.vaultml.kerberos.ResultFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one delivery: parse it into events, and for each event either publish a result to every
 * forwarder or write one dead-letter entry with the reason. Returns normally when every event of the delivery has
 * a durable outcome, so the caller may commit it. A {@link io.vaultml.api.RetriableException} escapes, and the
 * delivery must be retried (results already published for it are published again: at least once, deduplicated
 * downstream by key).
 */
final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final RecordingProcessor processor;
    private final List<Forwarder> forwarders;
    private final DeadLetterSink deadLetters;
    private final ResultFormat format;
    private final Metrics metrics;

    Pipeline(RecordingProcessor processor, List<Forwarder> forwarders, DeadLetterSink deadLetters, ResultFormat format,
            Metrics metrics) {
        this.processor = processor;
        this.forwarders = List.copyOf(forwarders);
        this.deadLetters = deadLetters;
        this.format = format;
        this.metrics = metrics;
    }

    void handle(Delivery delivery) {
        List<RecordingEvent> events;
        try {
            events = KerberosEvents.parse(delivery.payload());
        } catch (UnprocessableInputException e) {
            deadLetter(DeadLetter.of(delivery, "", e));
            return;
        }
        for (RecordingEvent event : events) {
            try {
                AnalysisResult result = processor.process(event);
                publish(result);
            } catch (UnprocessableInputException e) {
                deadLetter(DeadLetter.of(delivery, event.key(), e));
            }
        }
    }

    private void publish(AnalysisResult result) {
        long start = System.nanoTime();
        ResultMessage message = new ResultMessage(result.event().key(), KerberosResults.toJson(result, format),
                provenance(result), result);
        for (Forwarder forwarder : forwarders) {
            forwarder.forward(message);
        }
        metrics.stage("publish", System.nanoTime() - start);
        metrics.result();
    }

    private void deadLetter(DeadLetter entry) {
        deadLetters.deadLetter(entry);
        metrics.deadLetter(entry.stage());
        log.warn("Dead-lettered {} ({}): {}", entry.recordingKey().isEmpty() ? entry.delivery() : entry.recordingKey(),
                entry.stage(), entry.reason());
    }

    static Map<String, String> provenance(AnalysisResult result) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("vaultml-detector", result.detector().provider());
        headers.put("vaultml-model", result.detector().model());
        headers.put("vaultml-device", result.detector().device());
        headers.put("vaultml-processing-ms", String.valueOf(result.processingTime().toMillis()));
        return headers;
    }
}
