package io.vaultml.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vaultml.analysis.AnalysisListener;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The worker's meters, scraped from {@code /metrics}. */
final class Metrics implements AnalysisListener {
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AtomicInteger inFlight = new AtomicInteger();

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        Gauge.builder("vaultml.recordings.in.flight", inFlight, AtomicInteger::get)
                .description("Recordings being processed now").register(registry);
    }

    /** {@code vaultml_detector_info{provider, model, device} 1}: what runs where, for dashboards. */
    void detector(io.vaultml.api.DetectorInfo info) {
        Gauge.builder("vaultml.detector.info", () -> 1).tag("provider", info.provider()).tag("model", info.model())
                .tag("device", info.device()).description("The detector in use").register(registry);
    }

    /** {@code vaultml_ready}: 1 once the worker takes events (what /readyz answers), 0 before and when stopping. */
    void ready(java.util.function.BooleanSupplier ready) {
        Gauge.builder("vaultml.ready", () -> ready.getAsBoolean() ? 1 : 0)
                .description("1 when the worker is ready to take events").register(registry);
    }

    /**
     * {@code vaultml_stationary_store_available} (1 when the memory of parked objects answered last, 0 while every
     * object is counted because it cannot) and {@code vaultml_stationary_store_failures_total}.
     */
    void stationary(io.vaultml.analysis.StationaryMemory memory) {
        Gauge.builder("vaultml.stationary.store.available", () -> memory.available() ? 1 : 0)
                .tag("store", memory.describe()).description("1 when the memory of parked objects can be used")
                .register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("vaultml.stationary.store.failures", memory,
                io.vaultml.analysis.StationaryMemory::failures).tag("store", memory.describe())
                .description("Updates of the memory of parked objects that failed (those recordings counted every "
                        + "object)").register(registry);
    }

    /**
     * A gauge a transport offers, e.g. Kafka's {@code vaultml.consumer.lag.max} (largest partition lag of the
     * event consumer, in records, for lag-based alerts; KEDA reads lag from the broker itself).
     */
    void gauge(String name, java.util.function.DoubleSupplier value) {
        Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble)
                .description("Reported by the transport").register(registry);
    }

    /** Time spent in a pipeline stage: fetch, decode, detect, track, publish. */
    @Override
    public void stage(String stage, long nanos) {
        Timer.builder("vaultml.stage").tag("stage", stage).description("Time per recording in each stage")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void inferenceBatch(long nanos) {
        Timer.builder("vaultml.inference.batch").description("Time per inference call (one batch of frames)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void result(int detectionCount) {
        Counter.builder("vaultml.results").description("Results published").register(registry).increment();
        Counter.builder("vaultml.detections").description("Detections in published results").register(registry)
                .increment(detectionCount);
    }

    /** One line: results, dead letters, frames and detections of this run, read off the counters. */
    String totals() {
        return total("vaultml.results") + " result(s), " + total("vaultml.dead.letters") + " dead-lettered, "
                + total("vaultml.frames.analysed") + " frame(s) analysed, " + total("vaultml.detections")
                + " detection(s)";
    }

    private long total(String counter) {
        return Math.round(registry.find(counter).counters().stream().mapToDouble(Counter::count).sum());
    }

    void deadLetter(String stage) {
        Counter.builder("vaultml.dead.letters").tag("stage", stage).description("Events dead-lettered, by stage")
                .register(registry).increment();
    }

    /** A redelivered event whose result this worker already published and whose recording it removed. */
    void redelivered() {
        Counter.builder("vaultml.redeliveries.completed")
                .description("Redelivered events completed without a second result (already published and removed)")
                .register(registry).increment();
    }

    /** A delivery that hit an outage (breaker open, broker down): not counted against its retries. */
    void outage(String cause) {
        Counter.builder("vaultml.outage.pauses").tag("cause", cause)
                .description("Deliveries put back because a service every event needs was unavailable")
                .register(registry).increment();
    }

    void retry(String cause) {
        Counter.builder("vaultml.retries").tag("cause", cause).description("Events given back for a retry, by cause")
                .register(registry).increment();
    }

    /** A recording that ended early or had undecodable data: its result covers the frames before the damage. */
    @Override
    public void truncated(String recordingKey, String summary) {
        Counter.builder("vaultml.recordings.truncated")
                .description("Recordings analysed only up to where they were truncated or damaged")
                .register(registry).increment();
    }

    @Override
    public void frames(int n) {
        Counter.builder("vaultml.frames.analysed").description("Frames run through the detector")
                .register(registry).increment(n);
    }
}
