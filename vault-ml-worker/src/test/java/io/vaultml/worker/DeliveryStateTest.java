package io.vaultml.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vaultml.api.Delivery;
import io.vaultml.api.RetriableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A delivery's life on a fake clock: one attempt count, from the transport's, bounded by the policy. */
class DeliveryStateTest {
    final AtomicLong now = new AtomicLong(1_000);
    final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 3);

    DeliveryState state(int attempt) {
        return new DeliveryState(new Delivery("d", new byte[0], Map.of(), attempt), now::get);
    }

    @Test
    void eachFailedTryCountsOnceAndTheLastOneDeadLetters() {
        DeliveryState s = state(1);
        RetriableException fault = new RetriableException("503");
        s.start(policy);
        assertEquals(DeliveryState.Next.RETRY, s.failed(fault, policy, now.get()));
        assertEquals(DeliveryState.Phase.BACKING_OFF, s.phase());
        assertTrue(s.dueAt() > now.get(), "backs off");
        s.start(policy);
        assertEquals(DeliveryState.Next.RETRY, s.failed(fault, policy, now.get()));
        s.start(policy);
        assertEquals(DeliveryState.Next.DEAD_LETTER, s.failed(fault, policy, now.get()));
        assertEquals(3, s.attempts());
        assertTrue(s.exhaustedReason(now.get()).startsWith("Retries exhausted after 3 attempts"));
        s.start(policy);
        assertTrue(s.deadLettering(), "writing the dead letters is no fourth attempt");
        assertEquals(3, s.attempts());
    }

    @Test
    void theCountStartsFromTheTransportsAndAnOutageSpendsNothing() {
        DeliveryState s = state(2); // delivered once before
        s.start(policy);
        s.outage(now.get() + 5);
        assertEquals(1, s.attempts(), "the outage's try is not counted");
        s.start(policy);
        assertEquals(2, s.attempts());
        assertEquals(DeliveryState.Next.RETRY, s.failed(new RetriableException("x"), policy, now.get()));
        s.start(policy);
        assertEquals(DeliveryState.Next.DEAD_LETTER, s.failed(new RetriableException("x"), policy, now.get()));
    }

    @Test
    void aMessageDeliveredFarTooOftenAlreadyGoesStraightToItsDeadLetter() {
        DeliveryState s = state(7); // more than twice the 3 attempts allowed
        s.start(policy);
        assertTrue(s.deadLettering());
        assertTrue(s.exhaustedReason(now.get()).contains("delivered 7 times without an outcome"));
        DeliveryState redelivered = state(5); // given back unstarted a few times (shutdowns): still gets a try
        redelivered.start(policy);
        assertFalse(redelivered.deadLettering());
        assertEquals(DeliveryState.Next.DEAD_LETTER, redelivered.failed(new RetriableException("x"), policy, now.get()),
                "but only the one");
    }

    @Test
    void theWatchdogAndTheTrysThreadCannotBothClaimItsEnd() {
        DeliveryState s = state(1);
        s.start(policy);
        assertTrue(s.releaseIfRunning());
        assertFalse(s.endTry(), "released: the thread must not schedule it again");
        DeliveryState t = state(1);
        t.start(policy);
        assertTrue(t.endTry());
        assertFalse(t.releaseIfRunning(), "ended: nothing left to release");
        assertFalse(t.released());
    }

    @Test
    void budgetsTooLongToCountNeverOverflowTheWatchdog() {
        assertEquals(Long.MAX_VALUE, Watchdog.stuckAfterNanos(Duration.ofSeconds(Long.MAX_VALUE / 4)));
        assertEquals(Duration.ofMillis(9_400).toNanos(), Watchdog.stuckAfterNanos(Duration.ofSeconds(4)),
                "a tenth and five seconds past");
    }

    @Test
    void theSchedulerHandsOutWhatIsDueOnItsClockEarliestFirst() {
        RetryScheduler later = new RetryScheduler(now::get);
        DeliveryState a = state(1);
        DeliveryState b = state(1);
        a.start(policy);
        b.start(policy);
        a.outage(now.get() + 200);
        b.outage(now.get() + 100);
        later.schedule(a);
        later.schedule(b);
        assertEquals(List.of(), later.due());
        now.addAndGet(150);
        assertEquals(List.of(b), later.due());
        now.addAndGet(100);
        assertEquals(List.of(a), later.due());
        assertTrue(later.isEmpty());
    }

    @Test
    void aRetryStartedLongAfterItsFirstTryIsNotStuck() {
        Watchdog watchdog = new Watchdog(now::get, Duration.ofMinutes(5));
        DeliveryState s = state(1);
        s.progress.beginStep(Duration.ofSeconds(4));
        watchdog.started(s);
        assertEquals(List.of(), watchdog.stuck());
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertEquals(List.of(), watchdog.stuck(), "the try's own deadline gets its chance first");
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertEquals(List.of(s), watchdog.stuck(), "past 4 s + a tenth + 5 s in one step");
        watchdog.ended(s, false);
        now.addAndGet(Duration.ofSeconds(30).toNanos()); // an outage's pause
        watchdog.started(s); // the retry: the pipeline has not begun its step yet
        assertEquals(List.of(), watchdog.stuck(), "the retry's time counts from its own start");
    }
    @Test
    void aFencedTryAddsNoOutcomeAndItsProgressIsHandedOverOnlyBetweenOutcomes() throws Exception {
        Pipeline.Progress progress = new Pipeline.Progress(now::get);
        progress.settle(0);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
        Thread publishing = new Thread(() -> progress.record(() -> {
            inside.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> recorded.set(true)));
        publishing.start();
        inside.await();
        assertTrue(progress.handOver(now::get).isEmpty(), "not before the release");
        progress.fence();
        assertTrue(progress.handOver(now::get).isEmpty(), "not while an outcome is being written");
        finish.countDown();
        publishing.join();
        assertTrue(recorded.get(), "the outcome that was running when the delivery was given back is recorded");
        Pipeline.Progress copy = progress.handOver(now::get).orElseThrow();
        assertTrue(copy.settled(0), "what the old try achieved is handed over");
        assertThrows(Pipeline.Released.class, () -> progress.settle(2), "the old try adds nothing more");
        copy.settle(2);
        assertEquals(2, copy.settledCount());
    }

    @Test
    void aRedeliveryTakesOverOnlyItsOwnMessageAndWaitsForAnOutcomeAtMostHandoverWait() throws Exception {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(10), 1);
        Delivery message = new Delivery("topic-0@7", "[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                Map.of(), 1);
        DeliveryState old = new DeliveryState(message, now::get);
        old.start(policy);
        old.failed(new RetriableException("Vault answered 503"), policy, now.get()); // out of attempts
        old.start(policy); // writing the dead letters
        old.progress.settle(0);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Thread writing = new Thread(() -> {
            try {
                old.progress.record(() -> {
                    inside.countDown();
                    try {
                        finish.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, () -> { });
            } catch (Pipeline.Released expected) {
                // not reached: the outcome began before the release
            }
        });
        writing.start();
        inside.await();
        assertTrue(old.releaseIfRunning());
        old.progress.fence();
        Handovers handovers = new Handovers(now::get);
        handovers.released(old);

        DeliveryState sameBodyOtherMessage = handovers.polled(new DeliveryState(new Delivery("topic-0@8",
                message.payload(), Map.of(), 1), now::get));
        assertEquals(DeliveryState.TakeOver.NOTHING_TO_TAKE, sameBodyOtherMessage.takeOver(now::get),
                "a producer's retry at another offset is another message");
        DeliveryState redelivery = handovers.polled(new DeliveryState(new Delivery("topic-0@7", message.payload(),
                Map.of(), 2), now::get));
        assertEquals(DeliveryState.TakeOver.WAITING, redelivery.takeOver(now::get), "its old try is mid-outcome");
        now.addAndGet(DeliveryState.HANDOVER_WAIT.toNanos() - 1);
        assertEquals(DeliveryState.TakeOver.WAITING, redelivery.takeOver(now::get));
        now.addAndGet(1);
        assertEquals(DeliveryState.TakeOver.TAKEN_WITHOUT_WAITING, redelivery.takeOver(now::get),
                "a hung outcome does not hold the redelivery forever");
        assertTrue(redelivery.progress.settled(0), "what was recorded before the hung outcome is kept");
        assertTrue(redelivery.deadLettering(), "an exhausted delivery resumes writing its dead letters");
        redelivery.progress.fence(); // the redelivery sticks too, before recording anything of its own
        assertTrue(redelivery.progress.handOverWithoutWaiting(now::get).settled(0),
                "a third delivery still knows what the first achieved");
        finish.countDown();
        writing.join();
    }

    @Test
    void aWholeMessageDeadLetterIsHandedOverAsDone() {
        Pipeline.Progress progress = new Pipeline.Progress(now::get);
        progress.settleDelivery(() -> { });
        progress.fence();
        assertTrue(progress.handOver(now::get).orElseThrow().deliverySettled(),
                "the redelivery of an unparseable message does not dead-letter it again");
    }

}
