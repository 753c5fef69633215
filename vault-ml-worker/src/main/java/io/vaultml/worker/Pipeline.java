package io.vaultml.worker;

import io.vaultml.analysis.InferenceStoppedException;
import io.vaultml.analysis.RecordingAnalyzer;
import io.vaultml.api.AlreadyHandledException;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.ConfigException;
import io.vaultml.api.DeadLetter;
import io.vaultml.api.DeadLetterSink;
import io.vaultml.api.Delivery;
import io.vaultml.api.Forwarder;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.ResultMessage;
import io.vaultml.api.RetriableException;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.kerberos.KerberosEvents;
import io.vaultml.kerberos.ResultWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to one delivery: parse it into events, and for each event either publish a result to every
 * forwarder or write one dead-letter entry with the reason. Returns normally when every event of the delivery has
 * a durable outcome, so the caller may commit it.
 *
 * <p>Error classes are total. Per event: bad input ({@link UnprocessableInputException}) and anything unexpected
 * that the event's data provoked (any other {@link RuntimeException}, a {@link StackOverflowError}) end as that
 * event's dead letter; a {@link RetriableException} escapes so the caller retries the delivery later. What
 * escapes otherwise stops the worker: a {@link ConfigException} (a setting that fails every event), a dead
 * inference thread, a {@link VirtualMachineError} such as an {@link OutOfMemoryError}.
 *
 * <p>{@link Progress} survives between tries of one delivery: an event that already has its outcome, and the
 * forwarders that already ran for a result, are not done again when a later event or forwarder of the same
 * delivery is retried.
 */
final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    static final String INTERNAL = "internal";
    /** How long writing a delivery's dead letters may take before the watchdog calls it stuck. */
    static final Duration DEAD_LETTER_BUDGET = Duration.ofMinutes(2);

    /**
     * What a delivery already achieved, kept across its tries: written by the thread of the running try. Every
     * outcome (a forwarder's call, a dead letter) runs through {@link #record} under the progress's lock, so that
     * when the watchdog gives a stuck try's delivery back, {@link #fence} stops that try from adding outcomes, and a
     * redelivery of the message to this worker takes over an exact copy ({@link #handOver}).
     */
    static final class Progress {
        // Written under the lock by the running try; concurrent so that a redelivery that stops waiting for a hung
        // outcome can read them without it. A settled event keeps only its index.
        private final Set<Integer> settled = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Map<Integer, ResultMessage> results = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<Integer, Integer> forwarded = new java.util.concurrent.ConcurrentHashMap<>();
        /** The message itself got its outcome (a dead letter for all of it: unparseable, or no events). */
        private volatile boolean deliverySettled;
        private final LongSupplier clock;
        private final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
        private volatile boolean fenced;
        /** When the step now running began (the clock's nanoseconds), and its budget: read by the {@link Watchdog}. */
        private volatile long stepStarted;
        private volatile Duration stepBudget = Duration.ofDays(1);

        Progress() {
            this(System::nanoTime);
        }

        Progress(LongSupplier clock) {
            this.clock = clock;
            this.stepStarted = clock.getAsLong();
        }

        /** A step (one event, or writing dead letters) begins and should be over within {@code budget}. */
        void beginStep(Duration budget) {
            stepBudget = budget;
            stepStarted = clock.getAsLong();
        }

        /** A new try of the same step begins: its time counts from now (its budget stays). */
        void restartStep() {
            stepStarted = clock.getAsLong();
        }

        long stepStarted() {
            return stepStarted;
        }

        Duration stepBudget() {
            return stepBudget;
        }

        boolean settled(int event) {
            return settled.contains(event);
        }

        int settledCount() {
            return settled.size();
        }

        /**
         * Runs one outcome and records it, both under the lock, unless the delivery was given back.
         *
         * @throws Released when it was: the try must stop, its redelivery decides
         */
        void record(Runnable outcome, Runnable achieved) {
            lock.lock();
            try {
                if (fenced) {
                    throw new Released();
                }
                outcome.run();
                achieved.run();
            } finally {
                lock.unlock();
            }
        }

        /** The message as a whole has its outcome: a dead letter that stands for all of it. */
        void settleDelivery(Runnable outcome) {
            record(outcome, () -> deliverySettled = true);
        }

        boolean deliverySettled() {
            return deliverySettled;
        }

        private Progress copy(LongSupplier clock) {
            Progress copy = new Progress(clock);
            copy.settled.addAll(settled);
            copy.results.putAll(results);
            copy.forwarded.putAll(forwarded);
            copy.deliverySettled = deliverySettled;
            copy.stepBudget = stepBudget;
            return copy;
        }

        /** The event has its outcome (its forwarders ran, or it was dead-lettered); its result is let go. */
        void settle(int event) {
            record(() -> { }, () -> {
                settled.add(event);
                results.remove(event);
                forwarded.remove(event);
            });
        }

        void keepResult(int event, ResultMessage message) {
            record(() -> { }, () -> results.put(event, message));
        }

        /**
         * The delivery was given back while its try runs: from now on that try adds no outcome. An outcome running
         * now finishes and is recorded.
         */
        void fence() {
            fenced = true;
        }

        /**
         * What the fenced try achieved, as the progress of a redelivery of the same message; empty while that try
         * is inside an outcome (ask again: outcomes end within their own deadlines).
         */
        java.util.Optional<Progress> handOver(LongSupplier clock) {
            if (!fenced || !lock.tryLock()) {
                return java.util.Optional.empty();
            }
            try {
                return java.util.Optional.of(copy(clock));
            } finally {
                lock.unlock();
            }
        }

        /**
         * What the fenced try had achieved before the outcome it is stuck in, for a redelivery that waited long
         * enough: that one outcome may then be written twice (at least once), the rest is not.
         */
        Progress handOverWithoutWaiting(LongSupplier clock) {
            return copy(clock); // without the lock: the collections are concurrent, and the hung try adds nothing
        }
    }

    /** A try whose delivery was given back meets its next outcome: it stops there, its redelivery decides. */
    static final class Released extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Released() {
            super("the delivery was given back for redelivery while this try ran", null, false, false);
        }
    }

    private final RecordingAnalyzer analyzer;
    private final List<Forwarder> forwarders;
    private final DeadLetterSink deadLetters;
    private final ResultWriter results;
    private final int maxEvents;
    private final Metrics metrics;

    /**
     * @param forwarders run in order for each result; the first publishes it
     * @param results writes each analysis as the published result ({@code RESULT_FORMAT}, {@code LABELS},
     *     {@code RESULT_CREDENTIALS})
     * @param maxEvents the most events one message may carry
     */
    Pipeline(RecordingAnalyzer analyzer, List<Forwarder> forwarders, DeadLetterSink deadLetters, ResultWriter results,
            int maxEvents, Metrics metrics) {
        this.analyzer = analyzer;
        this.forwarders = List.copyOf(forwarders);
        this.deadLetters = deadLetters;
        this.results = results;
        this.maxEvents = maxEvents;
        this.metrics = metrics;
    }

    /**
     * Gives every event of the delivery not yet settled in {@code progress} its outcome.
     *
     * @throws RetriableException when an event must be tried again later; {@code progress} says what is done
     */
    void handle(Delivery delivery, Progress progress) {
        if (progress.deliverySettled()) {
            return;
        }
        List<KerberosEvents.Parsed> events;
        try {
            events = KerberosEvents.parseEach(delivery.payload(), maxEvents);
        } catch (UnprocessableInputException e) {
            progress.settleDelivery(() -> deadLetter(DeadLetter.of(delivery, "", e)));
            return;
        } catch (RuntimeException | StackOverflowError e) {
            progress.settleDelivery(() -> deadLetter(internal(delivery, "", "parse", e)));
            return;
        }
        for (KerberosEvents.Parsed parsed : events) {
            int index = parsed.index();
            if (progress.settled(index)) {
                continue;
            }
            if (!parsed.ok()) {
                deadLetter(progress, index, DeadLetter.of(delivery, "", parsed.error()));
            } else {
                handleEvent(delivery, index, parsed.event(), progress);
            }
        }
    }

    private void handleEvent(Delivery delivery, int index, RecordingEvent event, Progress progress) {
        progress.beginStep(analyzer.timeoutFor(event));
        try {
            ResultMessage message = progress.results.get(index);
            if (message == null) {
                message = toMessage(analyzer.analyse(event));
                progress.keepResult(index, message);
            }
            publish(message, progress, index);
            progress.settle(index);
        } catch (AlreadyHandledException e) {
            metrics.redelivered();
            log.info("{}: completed without a second result", e.getMessage());
            progress.settle(index);
        } catch (UnprocessableInputException e) {
            deadLetter(progress, index, DeadLetter.of(delivery, event.key(), e));
        } catch (RetriableException | ConfigException | InferenceStoppedException | Released e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            log.error("Unexpected failure on recording {}; it is dead-lettered", event.key(), e);
            deadLetter(progress, index, internal(delivery, event.key(), INTERNAL, e));
        }
    }

    /** The event's dead letter, recorded as its outcome. */
    private void deadLetter(Progress progress, int index, DeadLetter entry) {
        progress.record(() -> deadLetter(entry), () -> {
            progress.settled.add(index);
            progress.results.remove(index);
            progress.forwarded.remove(index);
        });
    }

    private ResultMessage toMessage(AnalysisResult result) {
        return new ResultMessage(result.event().key(), results.toJson(result),
                provenance(result), result);
    }

    /** Runs the forwarders in order, resuming after the last one that succeeded on an earlier try. */
    private void publish(ResultMessage message, Progress progress, int index) {
        long start = System.nanoTime();
        for (int i = progress.forwarded.getOrDefault(index, 0); i < forwarders.size(); i++) {
            Forwarder next = forwarders.get(i);
            int done = i + 1;
            progress.record(() -> next.forward(message), () -> progress.forwarded.put(index, done));
        }
        metrics.stage("publish", System.nanoTime() - start);
        metrics.result(message.result().detectionCount());
    }

    /**
     * Dead-letters every event of the delivery that has no outcome yet, with {@code reason}: the end of a delivery
     * whose retries are exhausted.
     */
    void deadLetterUnsettled(Delivery delivery, Progress progress, String reason, Throwable cause) {
        progress.beginStep(DEAD_LETTER_BUDGET); // not the last event's budget and start: the watchdog reads these
        List<KerberosEvents.Parsed> events;
        try {
            events = KerberosEvents.parseEach(delivery.payload(), maxEvents);
        } catch (RuntimeException | StackOverflowError e) {
            events = List.of();
        }
        if (progress.deliverySettled()) {
            return;
        }
        if (events.isEmpty()) {
            progress.settleDelivery(() -> deadLetter(new DeadLetter(delivery, "", "retry", reason,
                    cause.getClass().getName())));
            return;
        }
        for (KerberosEvents.Parsed parsed : events) {
            if (!progress.settled(parsed.index())) {
                deadLetter(progress, parsed.index(), new DeadLetter(delivery, parsed.ok() ? parsed.event().key() : "",
                        "retry", reason, cause.getClass().getName()));
            }
        }
    }

    /**
     * Writes a dead letter. A destination that rejects the entry as such (too large, say) gets a reduced one: the
     * reason, key and size without the original body.
     */
    private void deadLetter(DeadLetter entry) {
        try {
            deadLetters.deadLetter(entry);
        } catch (UnprocessableInputException rejected) {
            DeadLetter reduced = entry.withoutBody("the dead-letter destination rejected the full entry ("
                    + rejected.getMessage() + ")");
            try {
                deadLetters.deadLetter(reduced);
            } catch (UnprocessableInputException again) {
                throw new ConfigException("The dead-letter destination " + deadLetters.describe()
                        + " rejects even a reduced entry: " + again.getMessage());
            }
            log.warn("Dead letter for {} written without its body: {}", entry.delivery().id(), rejected.getMessage());
        }
        metrics.deadLetter(entry.stage());
        log.warn("Dead-lettered {} ({}): {}", entry.recordingKey().isEmpty() ? entry.delivery().id() : entry.recordingKey(),
                entry.stage(), entry.reason());
    }

    /** An unexpected failure as a dead letter: the exception's class and message, never the event's content. */
    static DeadLetter internal(Delivery delivery, String key, String stage, Throwable e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        // A URL's query may be a signature: keep the path, drop the query.
        message = message.replaceAll("\\?\\S*", "?...");
        String subject = key.isEmpty() ? "delivery " + delivery.id() : "recording " + key;
        return new DeadLetter(delivery, key, stage, "Unexpected failure on " + subject + ": "
                + e.getClass().getName() + message, e.getClass().getName());
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
