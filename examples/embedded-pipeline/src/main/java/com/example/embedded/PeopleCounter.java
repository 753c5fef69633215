package com.example.embedded;

import io.vaultml.analysis.RecordingAnalyzer;
import io.vaultml.api.AnalysisResult;
import io.vaultml.api.Delivery;
import io.vaultml.api.EventSource;
import io.vaultml.api.RecordingEvent;
import io.vaultml.api.UnprocessableInputException;
import io.vaultml.kerberos.KerberosEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A team's own use of vault-ml, without the worker: Kerberos events from their source, the library's
 * {@link RecordingAnalyzer} (fetch, decode, detect, track in one call), and their own output, the number of people
 * who walked through each camera's view. Several recordings are analysed at once on the team's own threads; the
 * analyzer runs the one detector on its own thread, so their frames share inferences while decoding goes on.
 */
public final class PeopleCounter implements AutoCloseable {
    private final EventSource source;
    private final RecordingAnalyzer analyzer;
    private final ExecutorService threads;
    private final Map<String, Integer> peoplePerCamera = new TreeMap<>();
    private final List<String> rejected = new ArrayList<>();

    public PeopleCounter(EventSource source, RecordingAnalyzer analyzer, int threads) {
        this.source = source;
        this.analyzer = analyzer;
        this.threads = Executors.newFixedThreadPool(threads);
    }

    /** Processes events, several at once, until the source has been quiet for {@code idle}. */
    public void drain(Duration idle) throws InterruptedException {
        List<Delivery> batch;
        while (!(batch = source.poll(idle)).isEmpty()) {
            List<Future<?>> running = new ArrayList<>();
            for (Delivery delivery : batch) {
                running.add(threads.submit(() -> handle(delivery)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        }
    }

    private void handle(Delivery delivery) {
        try {
            for (RecordingEvent event : KerberosEvents.parse(delivery.payload())) {
                count(event, analyzer.analyse(event));
            }
        } catch (UnprocessableInputException e) {
            synchronized (this) {
                rejected.add(e.getMessage()); // this team just keeps a list; the worker dead-letters instead
            }
        }
        source.complete(delivery);
    }

    private synchronized void count(RecordingEvent event, AnalysisResult result) {
        long people = result.movingTracks().stream().filter(t -> t.label().equals("person")).count();
        peoplePerCamera.merge(event.cameraName(), (int) people, Integer::sum);
    }

    public synchronized Map<String, Integer> peoplePerCamera() {
        return Map.copyOf(peoplePerCamera);
    }

    public synchronized List<String> rejected() {
        return List.copyOf(rejected);
    }

    /** Stops the threads; the analyzer (and its detector) stays the caller's to close. */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
