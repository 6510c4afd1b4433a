package dev.edgetwin.runtime.pipeline;

import dev.edgetwin.runtime.CapturedFrame;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.FloorObservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * Capture, preprocessing, inference and post-processing of frames, overlapped on four threads and
 * connected by single-slot latest-wins hand-offs, so that a frame is letterboxed while the one
 * before it runs through the model and the one before that is decoded.
 *
 * <p>Threads: "pipeline-capture" calls {@link FrameSource#next()} and hands the frame on without
 * ever waiting (in {@link Pacing#REAL_TIME}); "pipeline-preprocess" calls {@link
 * PipelineStages#prepare}; "pipeline-inference" calls {@link PipelineStages#infer};
 * "pipeline-postprocess" calls {@link PipelineStages#decode}, places the detections on the floor
 * (when given a locator) and calls the result consumer, which must be quick. Any thread may read
 * the counters and histograms and call {@link #close()}.
 *
 * <p>Buffers: five are allocated at start and rotate through a free pool; a stage takes a free one,
 * fills it and hands it on; a buffer displaced from a hand-off before the next stage took it is
 * dropped (counted) and goes back to the pool. Five cover every place a buffer can be (being
 * prepared, waiting for inference, in inference, waiting for post-processing, in post-processing),
 * so preprocessing always finds a free one and no stage ever writes a buffer that a later stage is
 * reading. Each hand-off holds at most one item; nothing queues.
 *
 * <p>Failures: a step that throws fails that frame only: counted per stage, logged once until the
 * stage succeeds again, the buffer recycled; the pipeline keeps running. Every captured frame ends
 * as exactly one of processed, dropped (at one hand-off) or failed.
 *
 * <p>{@link #close()} stops and joins the threads, then releases the buffers; it may be called
 * twice. It does not close the source or whatever the stages wrap.
 */
public final class VisionPipeline<B> implements AutoCloseable {
    /** Buffers in rotation: one per stage that holds one, plus one per hand-off after capture. */
    static final int BUFFERS = 5;

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** What happens when a stage is slower than the one before it. */
    public enum Pacing {
        /** Latest wins: the newer frame replaces the waiting one (dropped, counted). A camera. */
        REAL_TIME,
        /**
         * Each stage, capture included, waits until the next one took its previous output: nothing
         * is dropped. For benchmarks and recorded files, never for a live camera.
         */
        PACED
    }

    /** The pipeline's steps, for failures and latencies. */
    public enum Stage {
        CAPTURE,
        PREPROCESS,
        INFERENCE,
        POSTPROCESS
    }

    /** The hand-offs between the stages, where frames are dropped. */
    public enum HandOff {
        CAPTURE_TO_PREPROCESS,
        PREPROCESS_TO_INFERENCE,
        INFERENCE_TO_POSTPROCESS
    }

    /**
     * Settings.
     *
     * @param pacing latest-wins hand-offs, or waiting ones for benchmarks
     * @param locator places detections on the floor in post-processing; null: no placement
     * @param nanoTime the clock for latencies (ns, monotonic)
     */
    public record Options(Pacing pacing, FloorLocator locator, LongSupplier nanoTime) {
        public Options {
            Objects.requireNonNull(pacing, "pacing");
            Objects.requireNonNull(nanoTime, "nanoTime");
        }

        /** Real-time pacing, no floor placement, the system clock. */
        public static Options defaults() {
            return new Options(Pacing.REAL_TIME, null, System::nanoTime);
        }

        public Options withPacing(Pacing pacing) {
            return new Options(pacing, locator, nanoTime);
        }

        public Options withLocator(FloorLocator locator) {
            return new Options(pacing, locator, nanoTime);
        }

        public Options withClock(LongSupplier nanoTime) {
            return new Options(pacing, locator, nanoTime);
        }
    }

    /** A frame as the capture thread received it. */
    private record Captured(long sequence, long captureNanos, CapturedFrame frame) {}

    /** A buffer and the frame it carries; moves from thread to thread through the hand-offs. */
    private static final class Job<B> {
        final B buffer;
        Captured captured;
        long workNanos; // preprocessing + inference of the frame it carries

        Job(B buffer) {
            this.buffer = buffer;
        }
    }

    private final PipelineStages<B> stages;
    private final FrameSource source;
    private final Options options;
    private final Consumer<PipelineResult> results;
    private final LongSupplier clock;

    private final List<Job<B>> jobs = new ArrayList<>();
    private final ArrayBlockingQueue<Job<B>> free = new ArrayBlockingQueue<>(BUFFERS);
    private final HandOffSlot<Captured> captured = new HandOffSlot<>();
    private final HandOffSlot<Job<B>> prepared = new HandOffSlot<>();
    private final HandOffSlot<Job<B>> inferred = new HandOffSlot<>();

    private final AtomicLong framesCaptured = new AtomicLong();
    private final AtomicLong framesProcessed = new AtomicLong();
    private final Map<Stage, AtomicLong> failures = new EnumMap<>(Stage.class);
    private final Map<Stage, LatencyHistogram> latencies = new EnumMap<>(Stage.class);
    private final LatencyHistogram captureToResult = new LatencyHistogram();
    private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    private final Object progress = new Object();
    private volatile boolean sourceEnded;

    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private boolean closed;

    private VisionPipeline(
            PipelineStages<B> stages,
            FrameSource source,
            Options options,
            Consumer<PipelineResult> results) {
        this.stages = stages;
        this.source = source;
        this.options = options;
        this.results = results;
        this.clock = options.nanoTime();
        for (Stage s : Stage.values()) {
            failures.put(s, new AtomicLong());
            if (s != Stage.CAPTURE) {
                latencies.put(s, new LatencyHistogram());
            }
        }
    }

    /**
     * Allocates the buffers (on this thread) and starts the four threads.
     *
     * @param results sees every result, in capture order, on the post-processing thread
     * @throws Exception whatever {@link PipelineStages#newBuffer()} threw (buffers already
     *     allocated are released)
     */
    public static <B> VisionPipeline<B> start(
            PipelineStages<B> stages,
            FrameSource source,
            Options options,
            Consumer<PipelineResult> results)
            throws Exception {
        VisionPipeline<B> p =
                new VisionPipeline<>(
                        Objects.requireNonNull(stages, "stages"),
                        Objects.requireNonNull(source, "source"),
                        Objects.requireNonNull(options, "options"),
                        Objects.requireNonNull(results, "results"));
        try {
            for (int i = 0; i < BUFFERS; i++) {
                Job<B> job = new Job<>(stages.newBuffer());
                p.jobs.add(job);
                p.free.add(job);
            }
        } catch (Exception e) {
            p.releaseBuffers();
            throw e;
        }
        p.threads.add(new Thread(p::captureLoop, "pipeline-capture"));
        p.threads.add(new Thread(p::preprocessLoop, "pipeline-preprocess"));
        p.threads.add(new Thread(p::inferenceLoop, "pipeline-inference"));
        p.threads.add(new Thread(p::postprocessLoop, "pipeline-postprocess"));
        p.threads.forEach(t -> t.setDaemon(true));
        p.threads.forEach(Thread::start);
        Logger.info("Vision pipeline started: {}, {} pacing", stages, options.pacing());
        return p;
    }

    // ---- capture thread

    private void captureLoop() {
        long sequence = 0;
        while (running) {
            CapturedFrame frame;
            try {
                frame = source.next();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                fail(Stage.CAPTURE, e, "the frame source");
                if (!pause()) {
                    return;
                }
                continue;
            }
            if (frame == null) {
                sourceEnded = true;
                signalProgress();
                Logger.info("Vision pipeline: the frame source has no more frames");
                return;
            }
            recovered(Stage.CAPTURE);
            Captured c = new Captured(sequence++, clock.getAsLong(), frame);
            framesCaptured.incrementAndGet();
            try {
                if (!handOn(captured, c)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
            signalProgress(); // a frame dropped here is accounted for
        }
    }

    // ---- preprocess thread

    private void preprocessLoop() {
        while (running) {
            Captured c;
            try {
                c = captured.poll(POLL_NANOS);
            } catch (InterruptedException e) {
                return;
            }
            if (c == null) {
                continue;
            }
            Job<B> job = free.poll();
            if (job == null) {
                throw new IllegalStateException("no free buffer: the rotation lost one");
            }
            job.captured = c;
            long t0 = clock.getAsLong();
            try {
                stages.prepare(c.frame().frame(), job.buffer);
            } catch (Exception | LinkageError e) {
                fail(Stage.PREPROCESS, e, c.frame().frame());
                recycle(job);
                continue;
            }
            long prepareNanos = clock.getAsLong() - t0;
            job.workNanos = prepareNanos;
            latencies.get(Stage.PREPROCESS).record(prepareNanos);
            recovered(Stage.PREPROCESS);
            try {
                if (!handOnJob(prepared, job)) {
                    return;
                }
            } catch (InterruptedException e) {
                recycle(job);
                return;
            }
        }
    }

    // ---- inference thread

    private void inferenceLoop() {
        while (running) {
            Job<B> job;
            try {
                job = prepared.poll(POLL_NANOS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            long t0 = clock.getAsLong();
            try {
                stages.infer(job.buffer);
            } catch (Exception | LinkageError e) {
                fail(Stage.INFERENCE, e, job.captured.frame().frame());
                recycle(job);
                continue;
            }
            long inferNanos = clock.getAsLong() - t0;
            job.workNanos += inferNanos;
            latencies.get(Stage.INFERENCE).record(inferNanos);
            recovered(Stage.INFERENCE);
            try {
                if (!handOnJob(inferred, job)) {
                    return;
                }
            } catch (InterruptedException e) {
                recycle(job);
                return;
            }
        }
    }

    // ---- post-processing thread

    private void postprocessLoop() {
        FloorLocator locator = options.locator();
        while (running) {
            Job<B> job;
            try {
                job = inferred.poll(POLL_NANOS);
            } catch (InterruptedException e) {
                return;
            }
            if (job == null) {
                continue;
            }
            Captured c = job.captured;
            long t0 = clock.getAsLong();
            try {
                List<Detection> detections = stages.decode(job.buffer);
                List<FloorObservation> placed =
                        locator == null
                                ? List.of()
                                : locator.locateAll(detections, c.frame().robotPose());
                long t1 = clock.getAsLong();
                latencies.get(Stage.POSTPROCESS).record(t1 - t0);
                captureToResult.record(t1 - c.captureNanos());
                results.accept(
                        new PipelineResult(
                                c.sequence(),
                                c.frame(),
                                detections,
                                placed,
                                job.workNanos + (t1 - t0),
                                t1 - c.captureNanos(),
                                stages.producer(job.buffer)));
                // After the consumer, so that whoever awaits idle sees what it did.
                framesProcessed.incrementAndGet();
                recovered(Stage.POSTPROCESS);
            } catch (Exception | LinkageError e) {
                fail(Stage.POSTPROCESS, e, c.frame().frame());
            }
            recycle(job);
        }
    }

    // ---- hand-offs

    /** Hands {@code c} to preprocessing; false if the pipeline stopped while waiting (PACED). */
    private boolean handOn(HandOffSlot<Captured> slot, Captured c) throws InterruptedException {
        if (options.pacing() == Pacing.PACED && !awaitEmpty(slot)) {
            return false;
        }
        slot.put(c);
        return true;
    }

    /** Hands {@code job} on; a job it displaces goes back to the pool. */
    private boolean handOnJob(HandOffSlot<Job<B>> slot, Job<B> job) throws InterruptedException {
        if (options.pacing() == Pacing.PACED && !awaitEmpty(slot)) {
            recycle(job);
            return false;
        }
        Job<B> displaced = slot.put(job);
        if (displaced != null) {
            recycle(displaced);
        }
        return true;
    }

    private boolean awaitEmpty(HandOffSlot<?> slot) throws InterruptedException {
        while (running) {
            if (slot.awaitEmpty(POLL_NANOS)) {
                return true;
            }
        }
        return false;
    }

    private void recycle(Job<B> job) {
        job.captured = null;
        if (!free.offer(job)) {
            throw new IllegalStateException("buffer pool overflow: a buffer was recycled twice");
        }
        signalProgress();
    }

    private void fail(Stage stage, Throwable e, Object what) {
        lastFailure.set(e);
        failures.get(stage).incrementAndGet();
        if (!failing[stage.ordinal()]) {
            Logger.error(e, "Vision pipeline: {} failed on {}; going on", stage, what);
        }
        failing[stage.ordinal()] = true;
    }

    // Written and read by the stage's own thread only.
    private final boolean[] failing = new boolean[Stage.values().length];

    private void recovered(Stage stage) {
        if (failing[stage.ordinal()]) {
            failing[stage.ordinal()] = false;
            Logger.info("Vision pipeline: {} works again", stage);
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    private void signalProgress() {
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    // ---- readers (any thread)

    /** Frames the source delivered. */
    public long framesCaptured() {
        return framesCaptured.get();
    }

    /** Frames that came out as results. */
    public long framesProcessed() {
        return framesProcessed.get();
    }

    /** Frames replaced at {@code handOff} before the next stage took them. */
    public long framesDropped(HandOff handOff) {
        return switch (handOff) {
            case CAPTURE_TO_PREPROCESS -> captured.dropped();
            case PREPROCESS_TO_INFERENCE -> prepared.dropped();
            case INFERENCE_TO_POSTPROCESS -> inferred.dropped();
        };
    }

    /** Frames dropped at all hand-offs. */
    public long framesDropped() {
        return captured.dropped() + prepared.dropped() + inferred.dropped();
    }

    /** Failures of {@code stage} (for CAPTURE: failed calls to the source, not frames). */
    public long failures(Stage stage) {
        return failures.get(stage).get();
    }

    /** Frames that failed in preprocessing, inference or post-processing. */
    public long framesFailed() {
        return failures(Stage.PREPROCESS) + failures(Stage.INFERENCE) + failures(Stage.POSTPROCESS);
    }

    /** The latest failure of any stage; null if none. */
    public Throwable lastFailure() {
        return lastFailure.get();
    }

    /** How long {@code stage} took per frame; not kept for CAPTURE (that is waiting). */
    public LatencyHistogram latency(Stage stage) {
        LatencyHistogram h = latencies.get(stage);
        if (h == null) {
            throw new IllegalArgumentException("no latencies are kept for " + stage);
        }
        return h;
    }

    /** From the capture thread receiving a frame to its result. */
    public LatencyHistogram captureToResult() {
        return captureToResult;
    }

    /** Forgets the latencies recorded so far (e.g. after warm-up); exact only while idle. */
    public void resetLatencies() {
        latencies.values().forEach(LatencyHistogram::reset);
        captureToResult.reset();
    }

    /** The pipeline's threads (to measure their CPU or allocations). */
    public List<Thread> threads() {
        return List.copyOf(threads);
    }

    /**
     * Waits until every frame captured so far is processed, dropped or failed.
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long target = framesCaptured();
        return await(() -> accounted() >= target, timeout);
    }

    /**
     * Waits until at least {@code frames} frames were captured and every captured frame is
     * processed, dropped or failed.
     */
    public boolean awaitFrames(long frames, Duration timeout) throws InterruptedException {
        return await(() -> framesCaptured() >= frames && accounted() >= framesCaptured(), timeout);
    }

    /** Waits until the source has no more frames and every captured frame is accounted for. */
    public boolean awaitSourceEnd(Duration timeout) throws InterruptedException {
        return await(() -> sourceEnded && accounted() >= framesCaptured(), timeout);
    }

    private long accounted() {
        return framesProcessed() + framesDropped() + framesFailed();
    }

    private boolean await(BooleanSupplier done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (!done.getAsBoolean()) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, Math.min(remaining, POLL_NANOS));
            }
            return true;
        }
    }

    /** Whether the source said it had no more frames. */
    public boolean sourceEnded() {
        return sourceEnded;
    }

    /** Stops and joins the threads, then releases the buffers. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        running = false;
        threads.forEach(Thread::interrupt);
        boolean stopped = true;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                stopped = false;
                Logger.warn("Thread {} did not stop within 10 s", t.getName());
            }
        }
        if (stopped) {
            releaseBuffers();
        } else {
            Logger.warn("Vision pipeline: buffers kept, a thread may still use them");
        }
        Logger.info(
                "Vision pipeline stopped: {} frames captured, {} processed, {} dropped, {} failed",
                framesCaptured(),
                framesProcessed(),
                framesDropped(),
                framesFailed());
    }

    private void releaseBuffers() {
        for (Job<B> job : jobs) {
            try {
                stages.release(job.buffer);
            } catch (RuntimeException e) {
                Logger.warn(e, "Releasing a pipeline buffer failed");
            }
        }
    }

    @Override
    public String toString() {
        return "VisionPipeline["
                + stages
                + ", captured="
                + framesCaptured()
                + ", processed="
                + framesProcessed()
                + ", dropped="
                + framesDropped()
                + "]";
    }
}
