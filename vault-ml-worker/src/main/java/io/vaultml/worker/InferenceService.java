package io.vaultml.worker;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.Frame;
import io.vaultml.api.RetriableException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the detector on one dedicated thread and batches frames from every recording in flight into one inference
 * when the detector takes batches ({@link Detector#preferredBatchSize()} &gt; 1): decoding threads hand in frames
 * and wait for their detections, so decoding of one recording overlaps inference of another and a GPU sees full
 * batches under load. This also gives the detector the single-thread access its contract promises.
 *
 * <p>Memory is bounded: at most {@code queueCapacity} frames wait, each copied once into a pooled direct buffer
 * (the decoder reuses its own).
 */
final class InferenceService implements AutoCloseable {
    private record Request(Frame frame, CompletableFuture<List<Detection>> result) {
    }

    private final Detector detector;
    private final BlockingQueue<Request> queue;
    private final BlockingQueue<ByteBuffer> pool;
    private final int batchSize;
    private final Thread thread;
    private final Consumer<Long> batchTimer;
    private volatile boolean running = true;

    InferenceService(Detector detector, int queueCapacity, Consumer<Long> batchNanos) {
        this.detector = detector;
        this.batchSize = Math.max(1, detector.preferredBatchSize());
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.pool = new ArrayBlockingQueue<>(queueCapacity);
        this.batchTimer = batchNanos;
        this.thread = new Thread(this::loop, "vault-ml-inference");
        thread.setDaemon(true);
        thread.start();
    }

    Detector detector() {
        return detector;
    }

    /** Detections for one frame; blocks until the inference thread ran it. */
    List<Detection> detect(Frame frame) {
        ByteBuffer copy = borrow(frame.width() * frame.height() * 3);
        copy.put(frame.pixels().duplicate()).flip();
        Request request = new Request(new Frame(frame.index(), frame.timestampMicros(), frame.width(), frame.height(),
                copy), new CompletableFuture<>());
        try {
            queue.put(request);
            return request.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting for inference");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.offer(copy);
        }
    }

    private ByteBuffer borrow(int bytes) {
        ByteBuffer b = pool.poll();
        if (b == null || b.capacity() < bytes) {
            b = ByteBuffer.allocateDirect(bytes);
        }
        b.clear().limit(bytes);
        return b;
    }

    private void loop() {
        List<Request> batch = new ArrayList<>(batchSize);
        while (running) {
            try {
                Request first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                long start = System.nanoTime();
                try {
                    List<List<Detection>> out = detector.detectAll(batch.stream().map(Request::frame).toList());
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).result().complete(out.get(i));
                    }
                } catch (RuntimeException | Error e) {
                    batch.forEach(r -> r.result().completeExceptionally(e));
                }
                batchTimer.accept(System.nanoTime() - start);
                batch.clear();
            } catch (InterruptedException e) {
                break;
            }
        }
        Request left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new RetriableException("inference stopped"));
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        detector.close();
    }
}
