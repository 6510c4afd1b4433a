package dev.edgetwin.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.runtime.CapturedFrame;
import dev.edgetwin.runtime.pipeline.VisionPipeline.HandOff;
import dev.edgetwin.runtime.pipeline.VisionPipeline.Pacing;
import dev.edgetwin.runtime.pipeline.VisionPipeline.Stage;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.RobotPose;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The pipeline's threads and hand-offs on fake stages that carry a frame's number from buffer to
 * buffer: a buffer overwritten while a later stage still reads it shows up as a detection with
 * another frame's number. Waits are bounded; nothing sleeps to synchronise and nothing is timed.
 */
class VisionPipelineTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final CapturedFrame END =
            new CapturedFrame(new Frame("end", -1, 1, 1, new byte[3]), RobotPose.ORIGIN);

    private final List<VisionPipeline<?>> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(VisionPipeline::close);
    }

    /** A buffer: the frame number written by prepare, copied by infer, read by decode. */
    static final class FakeBuffer {
        volatile long input = -1;
        volatile long output = -1;
        boolean released;
    }

    /** Stages that pass the frame number along, with hooks to slow down or fail a step. */
    static class FakeStages implements PipelineStages<FakeBuffer> {
        final List<FakeBuffer> buffers = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger releases = new AtomicInteger();
        volatile LongPredicate failPrepare = id -> false;
        volatile LongPredicate failInfer = id -> false;
        volatile LongPredicate failDecode = id -> false;
        volatile CountDownLatch inferGate = new CountDownLatch(0);

        @Override
        public FakeBuffer newBuffer() {
            FakeBuffer b = new FakeBuffer();
            buffers.add(b);
            return b;
        }

        @Override
        public void prepare(Frame frame, FakeBuffer b) {
            long id = frame.captureTimeNanos();
            b.input = id;
            jitter();
            if (failPrepare.test(id)) {
                throw new IllegalStateException("prepare failed on frame " + id);
            }
        }

        @Override
        public void infer(FakeBuffer b) throws InterruptedException {
            inferGate.await();
            long id = b.input;
            jitter();
            if (failInfer.test(id)) {
                throw new IllegalStateException("infer failed on frame " + id);
            }
            b.output = id;
        }

        @Override
        public List<Detection> decode(FakeBuffer b) {
            long id = b.output;
            jitter();
            if (failDecode.test(id)) {
                throw new IllegalStateException("decode failed on frame " + id);
            }
            // The buffer must still hold what prepare wrote: nobody else wrote it meanwhile.
            return List.of(new Detection((int) id, "frame", 1f, 0, 0, 1, 1));
        }

        @Override
        public void release(FakeBuffer b) {
            b.released = true;
            releases.incrementAndGet();
        }

        /** A little uneven work, so that the stages overtake one another now and then. */
        private static void jitter() {
            int spins = ThreadLocalRandom.current().nextInt(2000);
            for (int i = 0; i < spins; i++) {
                Thread.onSpinWait();
            }
        }
    }

    /** Frames the test pushes; {@link #END} ends the stream. */
    static final class QueueSource implements FrameSource {
        final BlockingQueue<CapturedFrame> queue = new LinkedBlockingQueue<>();
        final CountDownLatch ended = new CountDownLatch(1);

        void push(long id) {
            queue.add(
                    new CapturedFrame(new Frame("cam", id, 2, 2, new byte[12]), RobotPose.ORIGIN));
        }

        void pushAll(int n) {
            for (int i = 0; i < n; i++) {
                push(i);
            }
            queue.add(END);
        }

        @Override
        public CapturedFrame next() throws InterruptedException {
            CapturedFrame f = queue.take();
            if (f == END) {
                ended.countDown();
                return null;
            }
            return f;
        }
    }

    private <B> VisionPipeline<B> start(
            PipelineStages<B> stages, FrameSource source, Pacing pacing, List<PipelineResult> out)
            throws Exception {
        VisionPipeline<B> p =
                VisionPipeline.start(
                        stages,
                        source,
                        VisionPipeline.Options.defaults().withPacing(pacing),
                        out::add);
        started.add(p);
        return p;
    }

    private static void assertInOrderOnceEachWithItsOwnBuffer(List<PipelineResult> results) {
        long last = -1;
        Set<Long> seen = new HashSet<>();
        for (PipelineResult r : results) {
            long id = r.frame().frame().captureTimeNanos();
            assertEquals(id, r.sequence(), "frame number vs capture sequence: " + r);
            assertTrue(r.sequence() > last, "out of order after #" + last + ": " + r);
            assertTrue(seen.add(r.sequence()), "processed twice: " + r);
            assertEquals(1, r.detections().size());
            assertEquals(id, r.detections().get(0).classId(), "buffer overwritten: " + r);
            last = r.sequence();
        }
    }

    @ParameterizedTest
    @EnumSource(Pacing.class)
    void resultsComeInCaptureOrderEachFrameOnceFromItsOwnBuffer(Pacing pacing) throws Exception {
        FakeStages stages = new FakeStages();
        QueueSource source = new QueueSource();
        List<PipelineResult> results = Collections.synchronizedList(new ArrayList<>());
        VisionPipeline<FakeBuffer> p = start(stages, source, pacing, results);
        int frames = 500;
        source.pushAll(frames);
        assertTrue(p.awaitSourceEnd(WAIT), p.toString());

        assertEquals(frames, p.framesCaptured());
        assertEquals(0, p.framesFailed());
        assertEquals(frames, p.framesProcessed() + p.framesDropped(), p.toString());
        assertEquals(p.framesProcessed(), results.size());
        assertInOrderOnceEachWithItsOwnBuffer(List.copyOf(results));
        // Latest wins: the newest frame is never the one dropped.
        assertEquals(frames - 1, results.get(results.size() - 1).sequence());
        if (pacing == Pacing.PACED) {
            assertEquals(0, p.framesDropped(), "paced hand-offs wait instead of dropping");
            assertEquals(frames, results.size());
        }
        assertEquals(p.framesProcessed(), p.captureToResult().count());
        assertEquals(p.framesProcessed(), p.latency(Stage.POSTPROCESS).count());
        assertEquals(VisionPipeline.BUFFERS, stages.buffers.size());
    }

    @Test
    void aSlowInferenceDropsFramesCountedInsteadOfBlockingCapture() throws Exception {
        FakeStages stages = new FakeStages();
        stages.inferGate = new CountDownLatch(1); // inference stuck until the test opens it
        QueueSource source = new QueueSource();
        List<PipelineResult> results = Collections.synchronizedList(new ArrayList<>());
        VisionPipeline<FakeBuffer> p = start(stages, source, Pacing.REAL_TIME, results);
        int frames = 50;
        source.pushAll(frames);

        // Capture got through every frame while inference was stuck on its first.
        assertTrue(source.ended.await(WAIT.toSeconds(), TimeUnit.SECONDS), p.toString());
        assertEquals(frames, p.framesCaptured());
        assertEquals(0, p.framesProcessed());
        stages.inferGate.countDown();
        assertTrue(p.awaitSourceEnd(WAIT), p.toString());

        assertEquals(frames, p.framesProcessed() + p.framesDropped(), p.toString());
        // At most four frames were anywhere but dropped: in inference, waiting for it, being
        // prepared and waiting for preprocessing.
        assertTrue(p.framesDropped() >= frames - 4, p.toString());
        assertEquals(
                p.framesDropped(),
                p.framesDropped(HandOff.CAPTURE_TO_PREPROCESS)
                        + p.framesDropped(HandOff.PREPROCESS_TO_INFERENCE)
                        + p.framesDropped(HandOff.INFERENCE_TO_POSTPROCESS));
        assertInOrderOnceEachWithItsOwnBuffer(List.copyOf(results));
        assertEquals(frames - 1, results.get(results.size() - 1).sequence());
    }

    @ParameterizedTest
    @EnumSource(
            value = Stage.class,
            names = {"PREPROCESS", "INFERENCE", "POSTPROCESS"})
    void aFailingStageFailsThatFrameOnlyAndThePipelineGoesOn(Stage failing) throws Exception {
        FakeStages stages = new FakeStages();
        LongPredicate frameZero = id -> id == 0;
        switch (failing) {
            case PREPROCESS -> stages.failPrepare = frameZero;
            case INFERENCE -> stages.failInfer = frameZero;
            case POSTPROCESS -> stages.failDecode = frameZero;
            case CAPTURE -> throw new IllegalArgumentException();
        }
        QueueSource source = new QueueSource();
        List<PipelineResult> results = Collections.synchronizedList(new ArrayList<>());
        VisionPipeline<FakeBuffer> p = start(stages, source, Pacing.REAL_TIME, results);

        source.push(0);
        assertTrue(p.awaitFrames(1, WAIT), p.toString());
        assertEquals(1, p.failures(failing));
        assertEquals(1, p.framesFailed());
        assertEquals(0, p.framesProcessed());
        assertNotNull(p.lastFailure());
        assertTrue(p.lastFailure().getMessage().contains("frame 0"), p.lastFailure().toString());

        for (int i = 1; i <= 3; i++) {
            source.push(i);
            assertTrue(p.awaitFrames(i + 1, WAIT), p.toString());
        }
        assertEquals(3, p.framesProcessed());
        assertEquals(1, p.framesFailed());
        assertEquals(List.of(1L, 2L, 3L), results.stream().map(PipelineResult::sequence).toList());
        assertInOrderOnceEachWithItsOwnBuffer(List.copyOf(results));
    }

    @Test
    void aResultConsumerThatThrowsCountsAsAPostprocessingFailure() throws Exception {
        FakeStages stages = new FakeStages();
        QueueSource source = new QueueSource();
        VisionPipeline<FakeBuffer> p =
                VisionPipeline.start(
                        stages,
                        source,
                        VisionPipeline.Options.defaults(),
                        r -> {
                            throw new IllegalStateException("consumer broke");
                        });
        started.add(p);
        source.push(0);
        assertTrue(p.awaitFrames(1, WAIT), p.toString());
        assertEquals(1, p.failures(Stage.POSTPROCESS));
        assertEquals(0, p.framesProcessed());
    }

    @Test
    void closeStopsEveryThreadReleasesEachBufferOnceAndMayBeCalledTwice() throws Exception {
        FakeStages stages = new FakeStages();
        stages.inferGate = new CountDownLatch(1); // never opened: close must interrupt it
        QueueSource source = new QueueSource(); // and the capture thread waits for frames
        VisionPipeline<FakeBuffer> p =
                start(
                        stages,
                        source,
                        Pacing.PACED,
                        Collections.synchronizedList(new ArrayList<>()));
        for (int i = 0; i < 10; i++) {
            source.push(i); // paced: stages wait on full hand-offs behind the stuck inference
        }
        List<Thread> threads = p.threads();
        assertEquals(4, threads.size());
        threads.forEach(t -> assertTrue(t.isAlive(), t.getName()));

        p.close();
        threads.forEach(t -> assertFalse(t.isAlive(), t.getName() + " still runs"));
        assertEquals(VisionPipeline.BUFFERS, stages.releases.get());
        stages.buffers.forEach(b -> assertTrue(b.released));
        p.close();
        assertEquals(VisionPipeline.BUFFERS, stages.releases.get());
    }

    @Test
    void aBufferThatCannotBeAllocatedReleasesTheOthersAndStartsNothing() {
        AtomicInteger released = new AtomicInteger();
        FakeStages stages =
                new FakeStages() {
                    @Override
                    public FakeBuffer newBuffer() {
                        if (buffers.size() == 2) {
                            throw new IllegalStateException("out of tensors");
                        }
                        return super.newBuffer();
                    }

                    @Override
                    public void release(FakeBuffer b) {
                        released.incrementAndGet();
                    }
                };
        Exception e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalStateException.class,
                        () ->
                                VisionPipeline.start(
                                        stages,
                                        new QueueSource(),
                                        VisionPipeline.Options.defaults(),
                                        r -> {}));
        assertEquals("out of tensors", e.getMessage());
        assertEquals(2, released.get());
    }
}
