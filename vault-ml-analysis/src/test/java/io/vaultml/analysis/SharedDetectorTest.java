package io.vaultml.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Detection;
import io.vaultml.api.Frame;
import io.vaultml.api.RetriableException;
import io.vaultml.test.Frames;
import io.vaultml.test.ScriptedDetector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SharedDetectorTest {

    /** Takes batches of four; the first call waits for a latch, so frames submitted meanwhile queue up. */
    static final class GatedDetector extends ScriptedDetector {
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch firstCallStarted = new CountDownLatch(1);
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        volatile RuntimeException failure;

        @Override
        public List<List<Detection>> detectAll(List<Frame> frames) {
            batchSizes.add(frames.size());
            firstCallStarted.countDown();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
            return fake.detectAll(frames);
        }

        @Override
        public int preferredBatchSize() {
            return 4;
        }
    }

    @Test
    void framesQueuedWhileTheDetectorIsBusyShareTheNextInferenceAndKeepTheirOwnResults() throws Exception {
        GatedDetector detector = new GatedDetector();
        try (SharedDetector inference = SharedDetector.forConcurrency(detector, 2, nanos -> { })) {
            List<CompletableFuture<List<Detection>>> results = new ArrayList<>();
            results.add(inference.submit(Frames.withWhiteBox(0, 64, 48, 0, 0, 8, 8)));
            assertTrue(detector.firstCallStarted.await(10, TimeUnit.SECONDS));
            ByteBuffer decoderBuffer = ByteBuffer.allocateDirect(64 * 48 * 3);
            for (int i = 1; i <= 5; i++) {
                // One buffer rewritten for every frame, as the decoder does: the service must have copied it.
                Frame drawn = Frames.withWhiteBox(i, 64, 48, 10 * i, 4, 10 * i + 6, 20);
                decoderBuffer.clear().put(drawn.pixels().duplicate()).flip();
                results.add(inference.submit(new Frame(i, drawn.timestampMicros(), 64, 48, decoderBuffer)));
            }
            assertTrue(results.stream().noneMatch(CompletableFuture::isDone), "submitting does not wait");
            detector.gate.countDown();
            for (int i = 0; i < results.size(); i++) {
                List<Detection> found = SharedDetector.await(results.get(i));
                assertEquals(1, found.size());
                assertEquals(i == 0 ? 0 : 10 * i, found.get(0).box().x1(), 1, "frame " + i + " got another's result");
            }
            assertEquals(List.of(1, 4, 1), detector.batchSizes);
        }
    }

    @Test
    void aFailedInferenceFailsEveryFrameOfItsBatchWithTheDetectorsException() {
        GatedDetector detector = new GatedDetector();
        detector.failure = new RetriableException("CUDA out of memory");
        detector.gate.countDown();
        try (SharedDetector inference = SharedDetector.forConcurrency(detector, 1, nanos -> { })) {
            RetriableException e = assertThrows(RetriableException.class,
                    () -> inference.detect(Frames.withWhiteBox(0, 32, 32, 0, 0, 4, 4)));
            assertEquals("CUDA out of memory", e.getMessage());
            detector.failure = null;
            assertEquals(1, inference.detect(Frames.withWhiteBox(1, 32, 32, 0, 0, 4, 4)).size(), "the service goes on");
        }
    }

    /** Records whether close came while an inference was still running inside it (a native session freed in use). */
    static final class NativeLikeDetector extends ScriptedDetector {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch finish = new CountDownLatch(1);
        volatile boolean running;
        volatile boolean closedWhileRunning;
        final CountDownLatch closed = new CountDownLatch(1);

        @Override
        public List<List<Detection>> detectAll(List<Frame> frames) {
            running = true;
            inside.countDown();
            while (finish.getCount() > 0) {
                try {
                    finish.await();
                } catch (InterruptedException e) {
                    // native code does not notice interrupts
                }
            }
            running = false;
            return fake.detectAll(frames);
        }

        @Override
        public void close() {
            closedWhileRunning |= running;
            closed.countDown();
        }
    }

    @Test
    void closeNeverClosesTheDetectorUnderARunningInference() throws Exception {
        NativeLikeDetector detector = new NativeLikeDetector();
        SharedDetector shared = new SharedDetector(detector, 4, n -> { }).closeWait(java.time.Duration.ofMillis(100));
        shared.submit(Frames.black(32, 32), System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        assertTrue(detector.inside.await(10, TimeUnit.SECONDS));
        shared.close(); // returns after its wait, the inference still running
        assertFalse(detector.closedWhileRunning, "closed under a running inference");
        assertEquals(1, detector.closed.getCount(), "not closed yet");
        detector.finish.countDown();
        assertTrue(detector.closed.await(10, TimeUnit.SECONDS), "closed once the inference returned");
        assertFalse(detector.closedWhileRunning);
    }
}
