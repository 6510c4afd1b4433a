package dev.edgetwin.vision.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.Frame;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Stalls, deaths and backoff, with a fake clock and scripted sources. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SupervisedFrameSourceTest {
    private static final long MS = 1_000_000L;
    private static final SupervisionConfig POLICY =
            new SupervisionConfig(
                    Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofMillis(500));

    private final FakeSourceClock clock = new FakeSourceClock();
    private final ExecutorService capture = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopCapture() {
        capture.shutdownNow();
    }

    /** A source that plays a script: frames of a given width, errors, or blocking until closed. */
    static final class ScriptedSource implements FrameSource {
        static final int BLOCK = -1;

        private final Deque<Object> script = new ArrayDeque<>();
        final CountDownLatch blocking = new CountDownLatch(1);
        final CountDownLatch closedLatch = new CountDownLatch(1);
        volatile boolean closed;

        ScriptedSource(Object... steps) {
            script.addAll(List.of(steps));
        }

        @Override
        public Frame next() throws FrameSourceException, InterruptedException {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            Object step = script.poll();
            if (step == null) {
                throw new AssertionError("script ran out");
            }
            if (step instanceof FrameSourceException.Code code) {
                throw new FrameSourceException(code, "scripted " + code);
            }
            int width = (Integer) step;
            if (width == BLOCK) {
                blocking.countDown();
                if (!closedLatch.await(20, TimeUnit.SECONDS)) {
                    throw new AssertionError("never closed");
                }
                throw new FrameSourceException(FrameSourceException.Code.CLOSED, "closed");
            }
            return new Frame("cam", 0, width, 1, new byte[3 * width]);
        }

        @Override
        public String cameraId() {
            return "cam";
        }

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public void close() {
            closed = true;
            closedLatch.countDown();
        }
    }

    /** Hands out the given sources in turn (an exception code stands for a failed opening). */
    final class ScriptedOpener implements SupervisedFrameSource.Opener {
        final Deque<Object> outcomes = new ArrayDeque<>();
        final List<Long> openedAtMillis = new ArrayList<>();

        ScriptedOpener(Object... outcomes) {
            this.outcomes.addAll(List.of(outcomes));
        }

        @Override
        public FrameSource open() throws FrameSourceException {
            openedAtMillis.add(clock.nanoTime() / MS);
            Object outcome = outcomes.poll();
            if (outcome instanceof FrameSourceException.Code code) {
                throw new FrameSourceException(code, "scripted open failure");
            }
            if (outcome == null) {
                throw new AssertionError("opened too often");
            }
            return (FrameSource) outcome;
        }
    }

    @Test
    void aDeadSourceIsReopenedWithExponentialBackoffCappedAtTheMaximum() throws Exception {
        ScriptedSource first = new ScriptedSource(1, 2, FrameSourceException.Code.PROCESS_FAILED);
        ScriptedSource second = new ScriptedSource(3);
        FrameSourceException.Code fail = FrameSourceException.Code.OPEN_FAILED;
        ScriptedOpener opener = new ScriptedOpener(first, fail, fail, fail, second);
        try (SupervisedFrameSource supervised =
                new SupervisedFrameSource("cam", opener, POLICY, clock)) {
            assertEquals(1, supervised.next().width());
            assertEquals(2, supervised.next().width());
            assertEquals(3, supervised.next().width());
            assertTrue(first.closed);
            // Died at 0: wait 100, then 200, 400, and 500 (not 800) after each failed opening.
            assertEquals(List.of(0L, 100L, 300L, 700L, 1200L), opener.openedAtMillis);
            assertEquals(new SourceCounters(3, 4, 0, 1), supervised.counters());
        }
        assertTrue(second.closed);
    }

    @Test
    void theBackoffStartsAgainAfterAFrame() throws Exception {
        ScriptedSource a = new ScriptedSource(1, FrameSourceException.Code.STREAM_ENDED);
        ScriptedSource b = new ScriptedSource(2, FrameSourceException.Code.STREAM_ENDED);
        ScriptedSource c = new ScriptedSource(3);
        ScriptedOpener opener = new ScriptedOpener(a, b, c);
        try (SupervisedFrameSource supervised =
                new SupervisedFrameSource("cam", opener, POLICY, clock)) {
            for (int i = 1; i <= 3; i++) {
                assertEquals(i, supervised.next().width());
            }
            assertEquals(List.of(0L, 100L, 200L), opener.openedAtMillis);
            assertEquals(new SourceCounters(3, 2, 0, 2), supervised.counters());
        }
    }

    @Test
    void recoverableErrorsAreCountedWithoutReopening() throws Exception {
        ScriptedSource only =
                new ScriptedSource(
                        1,
                        FrameSourceException.Code.IMAGE_UNREADABLE,
                        FrameSourceException.Code.CONNECTION_FAILED,
                        2);
        ScriptedOpener opener = new ScriptedOpener(only);
        try (SupervisedFrameSource supervised =
                new SupervisedFrameSource("cam", opener, POLICY, clock)) {
            assertEquals(1, supervised.next().width());
            assertEquals(2, supervised.next().width());
            assertFalse(only.closed);
            assertEquals(new SourceCounters(2, 2, 0, 0), supervised.counters());
            assertEquals(1, opener.openedAtMillis.size());
        }
    }

    @Test
    void aStalledSourceIsClosedAndReopenedWhileTheCaptureThreadWaits() throws Exception {
        ScriptedSource stuck = new ScriptedSource(1, ScriptedSource.BLOCK);
        ScriptedSource fresh = new ScriptedSource(2);
        ScriptedOpener opener = new ScriptedOpener(stuck, fresh);
        try (SupervisedFrameSource supervised =
                new SupervisedFrameSource("cam", opener, POLICY, clock)) {
            assertEquals(1, supervised.next().width());
            // Nobody is waiting for a frame: however long it has been, that is no stall.
            clock.advanceMillis(10_000);
            assertFalse(supervised.checkStall());

            Future<Frame> waiting = capture.submit(supervised::next);
            assertTrue(stuck.blocking.await(10, TimeUnit.SECONDS));
            clock.advanceMillis(1999);
            assertFalse(supervised.checkStall());
            clock.advanceMillis(1);
            assertTrue(supervised.checkStall());
            assertTrue(stuck.closed);

            assertEquals(2, waiting.get(10, TimeUnit.SECONDS).width());
            assertEquals(new SourceCounters(2, 0, 1, 1), supervised.counters());
            // The stall cost one initial backoff before the reopening.
            assertEquals(
                    opener.openedAtMillis.get(0) + 10_000 + 2000 + 100,
                    opener.openedAtMillis.get(1));
        }
    }

    @Test
    void closeEndsABlockedNextAndClosesTheSource() throws Exception {
        ScriptedSource stuck = new ScriptedSource(ScriptedSource.BLOCK);
        SupervisedFrameSource supervised =
                new SupervisedFrameSource("cam", new ScriptedOpener(stuck), POLICY, clock);
        Future<Frame> waiting = capture.submit(supervised::next);
        assertTrue(stuck.blocking.await(10, TimeUnit.SECONDS));
        supervised.close();
        ExecutionException e =
                assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertEquals(
                FrameSourceException.Code.CLOSED, ((FrameSourceException) e.getCause()).code());
        assertTrue(stuck.closed);
        assertThrows(IllegalStateException.class, supervised::next);
        supervised.close();
    }

    @Test
    void aFailingSourceIsRetriedUntilItOpensEvenIfItNeverDid() throws Exception {
        FrameSourceException.Code fail = FrameSourceException.Code.OPEN_FAILED;
        ScriptedOpener opener =
                new ScriptedOpener(fail, fail, fail, fail, fail, fail, new ScriptedSource(7));
        try (SupervisedFrameSource supervised =
                new SupervisedFrameSource("cam", opener, POLICY, clock)) {
            assertEquals(7, supervised.next().width());
            assertEquals(List.of(0L, 100L, 300L, 700L, 1200L, 1700L, 2200L), opener.openedAtMillis);
            // The first successful opening is not a reopening.
            assertEquals(new SourceCounters(1, 6, 0, 0), supervised.counters());
        }
    }
}
