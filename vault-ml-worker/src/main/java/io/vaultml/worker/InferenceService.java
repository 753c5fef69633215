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
 * Runs the detector on one dedicated thread and batches queued frames into one inference when the detector takes
 * batches ({@link Detector#preferredBatchSize()} &gt; 1). Decoding threads {@link #submit(Frame) submit} frames
 * without waiting for their detections, so a recording's next frame is decoded while the previous ones are
 * inferred, several frames of one recording (or of several recordings in flight) share an inference, and a GPU sees
 * full batches under load. This also gives the detector the single-thread access its contract promises.
 *
 * <p>Memory is bounded: at most {@code queueCapacity} frames wait (submitting blocks while the queue is full), each
 * copied once into a pooled direct buffer because the decoder reuses its own.
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

    /**
     * Enough queued frames for two full batches plus one per decoding recording: the next batch is ready while
     * one runs, and no decoder waits on another's backlog for long.
     */
    static InferenceService forConcurrency(Detector detector, int concurrency, Consumer<Long> batchNanos) {
        return new InferenceService(detector, 2 * Math.max(1, detector.preferredBatchSize()) + concurrency,
                batchNanos);
    }

    InferenceService(Detector detector, int queueCapacity, Consumer<Long> batchNanos) {
        this.detector = detector;
        this.batchSize = Math.max(1, detector.preferredBatchSize());
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.pool = new ArrayBlockingQueue<>(queueCapacity + batchSize);
        this.batchTimer = batchNanos;
        this.thread = new Thread(this::loop, "vault-ml-inference");
        thread.setDaemon(true);
        thread.start();
    }

    Detector detector() {
        return detector;
    }

    /**
     * Queues a frame and returns its future detections; blocks only while the queue is full. The pixels are copied,
     * so the caller may reuse the frame's buffer at once.
     */
    CompletableFuture<List<Detection>> submit(Frame frame) {
        ByteBuffer copy = borrow(frame.width() * frame.height() * 3);
        copy.put(frame.pixels().duplicate()).flip();
        Request request = new Request(new Frame(frame.index(), frame.timestampMicros(), frame.width(), frame.height(),
                copy), new CompletableFuture<>());
        try {
            queue.put(request);
            return request.result();
        } catch (InterruptedException e) {
            pool.offer(copy);
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting for inference");
        }
    }

    /** Detections for one frame; blocks until the inference thread ran it. */
    List<Detection> detect(Frame frame) {
        return await(submit(frame));
    }

    /** Waits for submitted detections, rethrowing the detector's own exception. */
    static List<Detection> await(CompletableFuture<List<Detection>> detections) {
        try {
            return detections.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting for inference");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
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
                List<List<Detection>> out = null;
                Throwable failure = null;
                try {
                    out = detector.detectAll(batch.stream().map(Request::frame).toList());
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                for (int i = 0; i < batch.size(); i++) {
                    Request r = batch.get(i);
                    pool.offer(r.frame().pixels());
                    if (failure == null) {
                        r.result().complete(out.get(i));
                    } else {
                        r.result().completeExceptionally(failure);
                    }
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
