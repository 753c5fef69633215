package io.vaultml.analysis;

import io.vaultml.api.Detection;
import io.vaultml.api.Detector;
import io.vaultml.api.DetectorInfo;
import io.vaultml.api.Frame;
import io.vaultml.api.RetriableException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One {@link Detector} shared safely by many threads: it runs on one dedicated thread (the single-thread access the
 * detector contract promises), and frames queued meanwhile are batched into one inference when the detector takes
 * batches ({@link Detector#preferredBatchSize()} &gt; 1). Decoding threads {@link #submit(Frame) submit} frames
 * without waiting for their detections, so a recording's next frame is decoded while the previous ones are
 * inferred, several frames of one recording (or of several recordings in flight) share an inference, and a GPU sees
 * full batches under load. As a {@link Detector} itself, {@link #detect} and {@link #detectAll} may be called from
 * any thread; they block until their frames were inferred.
 *
 * <p><b>Ownership.</b> It owns the wrapped detector from construction: {@link #close} stops the thread and closes
 * the detector. Frames are copied when submitted; the caller may reuse its buffer at once.
 *
 * <p>Memory is bounded: at most {@code queueCapacity} frames wait (submitting blocks while the queue is full, up to
 * a deadline), each copied once into a pooled direct buffer because the decoder reuses its own.
 *
 * <p>Failures: a batch whose detector throws, or returns a list that breaks the {@link Detector} contract (null,
 * or not one list per frame), fails its own frames and the service goes on. Anything that escapes the loop (an
 * {@link Error}) stops the service for good: every waiting frame and every later submission fails with
 * {@link InferenceStoppedException}, which the worker treats as fatal, and {@link #alive()} turns false for the
 * health endpoint.
 */
public final class SharedDetector implements Detector {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SharedDetector.class);
    private record Request(Frame frame, CompletableFuture<List<Detection>> result) {
    }

    private final Detector detector;
    private final BlockingQueue<Request> queue;
    private final BlockingQueue<ByteBuffer> pool;
    private final int batchSize;
    private final Thread thread;
    private final LongConsumer batchTimer;
    private volatile boolean running = true;
    private volatile Throwable death;
    private final Object closing = new Object();
    private boolean closeWhenIdle;
    private boolean loopExited;
    private boolean detectorClosed;
    private volatile Duration closeWait = Duration.ofSeconds(10);

    /**
     * Enough queued frames for two full batches plus one per decoding recording: the next batch is ready while
     * one runs, and no decoder waits on another's backlog for long.
     */
    public static SharedDetector forConcurrency(Detector detector, int concurrency, LongConsumer batchNanos) {
        return new SharedDetector(detector, 2 * Math.max(1, detector.preferredBatchSize()) + concurrency,
                batchNanos);
    }

    /**
     * @param queueCapacity frames that may wait at most; submitting blocks while this many wait
     * @param batchNanos told how long each inference took, in nanoseconds (metrics); may be a no-op
     */
    public SharedDetector(Detector detector, int queueCapacity, LongConsumer batchNanos) {
        this.detector = detector;
        this.batchSize = Math.max(1, detector.preferredBatchSize());
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.pool = new ArrayBlockingQueue<>(queueCapacity + batchSize);
        this.batchTimer = batchNanos;
        this.thread = new Thread(this::loop, "vault-ml-inference");
        thread.setDaemon(true);
        thread.start();
    }

    /** The detector this one runs on its thread. */
    public Detector detector() {
        return detector;
    }

    @Override
    public DetectorInfo info() {
        return detector.info();
    }

    @Override
    public int preferredBatchSize() {
        return batchSize;
    }

    /** False once the inference thread died; see {@link InferenceStoppedException}. */
    public boolean alive() {
        return death == null && thread.isAlive();
    }

    /**
     * Queues a frame and returns its future detections; blocks only while the queue is full, and no later than
     * {@code deadlineNanos} ({@link System#nanoTime()}). The pixels are copied, so the caller may reuse the frame's
     * buffer at once.
     *
     * @throws RetriableException when the deadline passes or the thread is interrupted
     * @throws InferenceStoppedException when the inference thread died
     */
    public CompletableFuture<List<Detection>> submit(Frame frame, long deadlineNanos) {
        checkAlive();
        ByteBuffer copy = borrow(frame.width() * frame.height() * 3);
        copy.put(frame.pixels().duplicate()).flip();
        Request request = new Request(new Frame(frame.index(), frame.timestampMicros(), frame.width(), frame.height(),
                copy), new CompletableFuture<>());
        try {
            while (!queue.offer(request, 200, TimeUnit.MILLISECONDS)) {
                checkAlive();
                if (System.nanoTime() - deadlineNanos > 0) {
                    pool.offer(copy);
                    throw new RetriableException("the inference queue stayed full until the recording's deadline");
                }
            }
            return request.result();
        } catch (InterruptedException e) {
            pool.offer(copy);
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting for inference");
        }
    }

    /** {@link #submit(Frame, long)} with no deadline of its own (benchmarks, tests). */
    public CompletableFuture<List<Detection>> submit(Frame frame) {
        return submit(frame, System.nanoTime() + TimeUnit.DAYS.toNanos(1));
    }

    /** Detections for one frame; blocks until the inference thread ran it. Any thread. */
    @Override
    public List<Detection> detect(Frame frame) {
        return await(submit(frame));
    }

    /** Detections for several frames, which may share an inference; blocks until all ran. Any thread. */
    @Override
    public List<List<Detection>> detectAll(List<Frame> frames) {
        List<CompletableFuture<List<Detection>>> submitted = new ArrayList<>(frames.size());
        frames.forEach(f -> submitted.add(submit(f)));
        return submitted.stream().map(SharedDetector::await).toList();
    }

    /** Waits for submitted detections, rethrowing the detector's own exception. */
    public static List<Detection> await(CompletableFuture<List<Detection>> detections) {
        return await(detections, System.nanoTime() + TimeUnit.DAYS.toNanos(1));
    }

    /**
     * Waits for submitted detections until {@code deadlineNanos}, rethrowing the detector's own exception.
     *
     * @throws RetriableException when the deadline passes first
     */
    public static List<Detection> await(CompletableFuture<List<Detection>> detections, long deadlineNanos) {
        try {
            return detections.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting for inference");
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RetriableException("inference did not answer before the recording's deadline");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof StackOverflowError) {
                throw new IllegalStateException("the detector overflowed its stack", e.getCause());
            }
            throw new InferenceStoppedException("inference failed: " + e.getCause(), e.getCause());
        }
    }

    private void checkAlive() {
        if (death != null) {
            throw new InferenceStoppedException("the inference thread died: " + death, death);
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
        try {
            List<Request> batch = new ArrayList<>(batchSize);
            while (running) {
                Request first;
                try {
                    first = queue.poll(200, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    break;
                }
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                runBatch(batch);
                batch.clear();
            }
            failQueued(new RetriableException("inference stopped"));
        } catch (Throwable t) {
            death = t;
            failQueued(new InferenceStoppedException("the inference thread died: " + t, t));
            throw t;
        } finally {
            synchronized (closing) {
                loopExited = true;
                if (closeWhenIdle) {
                    closeDetectorOnce();
                }
            }
        }
    }

    private void runBatch(List<Request> batch) {
        long start = System.nanoTime();
        List<List<Detection>> out = null;
        Throwable failure = null;
        try {
            out = detector.detectAll(batch.stream().map(Request::frame).toList());
            if (out == null || out.size() != batch.size() || out.contains(null)) {
                failure = new IllegalStateException("detector " + detector.info().provider() + " broke its contract: "
                        + (out == null ? "null" : out.size() + " result list(s)") + " for " + batch.size()
                        + " frame(s)");
            }
        } catch (RuntimeException | StackOverflowError e) {
            failure = e;
        } finally {
            for (int i = 0; i < batch.size(); i++) {
                Request r = batch.get(i);
                pool.offer(r.frame().pixels());
                if (failure == null && out != null) {
                    r.result().complete(out.get(i));
                } else {
                    r.result().completeExceptionally(failure != null ? failure
                            : new InferenceStoppedException("the inference thread died during a batch", null));
                }
            }
        }
        batchTimer.accept(System.nanoTime() - start);
    }

    private void failQueued(RuntimeException why) {
        Request left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(why);
        }
    }

    /** Stops the inference thread (waiting frames fail) and closes the detector. Idempotent. */
    @Override
    public void close() {
        if (!running && !thread.isAlive()) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(closeWait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (closing) {
            if (!loopExited) { // not isAlive(): the thread may be past its last use of the detector but not gone
                // Closing now would free the native session under a running inference (a crash, not an error):
                // the inference thread closes it when that run returns.
                closeWhenIdle = true;
                log.warn("Inference still running {} s after close; the detector is closed when it returns",
                        closeWait.toSeconds());
                return;
            }
        }
        closeDetectorOnce();
    }

    private void closeDetectorOnce() {
        synchronized (closing) {
            if (!detectorClosed) {
                detectorClosed = true;
                detector.close();
            }
        }
    }

    /** How long {@link #close} waits for a running inference before leaving the detector to its thread. */
    SharedDetector closeWait(Duration wait) {
        this.closeWait = wait;
        return this;
    }
}
