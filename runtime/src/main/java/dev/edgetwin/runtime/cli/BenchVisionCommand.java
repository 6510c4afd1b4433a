package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.CapturedFrame;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.inference.ExecutionReport;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.InferenceException;
import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.runtime.inference.ModelContract;
import dev.edgetwin.runtime.inference.PinnedRunner;
import dev.edgetwin.runtime.pipeline.DetectorStages;
import dev.edgetwin.runtime.pipeline.FrameSource;
import dev.edgetwin.runtime.pipeline.LatencyHistogram;
import dev.edgetwin.runtime.pipeline.VisionPipeline;
import dev.edgetwin.runtime.pipeline.VisionPipeline.HandOff;
import dev.edgetwin.runtime.pipeline.VisionPipeline.Pacing;
import dev.edgetwin.runtime.pipeline.VisionPipeline.Stage;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.OnnxDetector;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin bench vision}: the threaded vision pipeline against bare inference on the same
 * session. First raw {@code session.run} on a pinned input (warm-up, then timed runs), then the
 * pipeline end to end (capture, letterbox, inference, decode + NMS, floor placement on separate
 * threads) on simulator frames rendered into memory beforehand, then raw runs again; prints both
 * throughputs and their ratio, per-stage and capture-to-result latencies, drops, and the Java heap
 * the pipeline's threads allocate per frame after warm-up.
 *
 * <p>Command: {@code ./edgetwin bench vision [--frames 500] [--warmup 100] [--rate FPS] [--json]}.
 * With no {@code --rate} the frames are fed as fast as the pipeline takes them (paced hand-offs:
 * every stage waits for the next, nothing is dropped); with one they come on a schedule through
 * latest-wins hand-offs, as from a camera.
 */
@Command(
        name = "vision",
        mixinStandardHelpOptions = true,
        description =
                "Compares the threaded vision pipeline's throughput with bare session.run on the same model and threads.")
final class BenchVisionCommand implements Callable<Integer> {
    static final double GOAL_RATIO = 0.90;
    static final long GOAL_BYTES_PER_FRAME = 64 * 1024;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--frames",
            defaultValue = "500",
            description = "Timed frames (and timed raw runs). Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(
            names = "--warmup",
            defaultValue = "100",
            description = "Untimed frames (and raw runs) first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--rate",
            defaultValue = "0",
            paramLabel = "FPS",
            description =
                    "Feed frames at this rate through latest-wins hand-offs; 0: as fast as the pipeline takes them. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--distinct",
            defaultValue = "50",
            description =
                    "Distinct frames rendered beforehand and fed in turn. Default: ${DEFAULT-VALUE}.")
    int distinct;

    @CommandLine.Mixin BenchSetup setup;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    /** Hands out pre-rendered frames, as many as it is allowed, at a rate or at once. */
    private static final class PreRenderedSource implements FrameSource {
        private final CapturedFrame[] frames;
        private final Semaphore allowed = new Semaphore(0);
        private final long intervalNanos;
        private long next;
        private long due;

        PreRenderedSource(CapturedFrame[] frames, double rate) {
            this.frames = frames;
            this.intervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        }

        void allow(int n) {
            allowed.release(n);
        }

        @Override
        public CapturedFrame next() throws InterruptedException {
            allowed.acquire();
            if (intervalNanos > 0) {
                long now = System.nanoTime();
                if (due == 0 || due < now - intervalNanos) {
                    due = now; // start, or catch up without a burst
                }
                if (due > now) {
                    TimeUnit.NANOSECONDS.sleep(due - now);
                }
                due += intervalNanos;
            }
            return frames[(int) (next++ % frames.length)];
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (frames < 1 || warmup < 0 || setup.threads < 0 || distinct < 1 || !(rate >= 0)) {
            err.printf(
                    "edgetwin bench vision: --frames and --distinct must be >= 1, --warmup, --threads and --rate >= 0%n");
            return 2;
        }
        Path modelPath = setup.modelPath();
        DeviceProfile profile;
        try {
            profile = setup.profile();
        } catch (ProfileException e) {
            err.printf("edgetwin bench vision: %s%n", e.getMessage());
            return 2;
        }
        SimulatedCamera camera = setup.camera();
        CapturedFrame[] rendered = new CapturedFrame[Math.min(distinct, warmup + frames)];
        for (int i = 0; i < rendered.length; i++) {
            RenderedFrame f = camera.render(i * 0.2, i * 200_000_000L);
            rendered[i] = new CapturedFrame(f.frame(), f.egoPose());
        }
        FloorLocator locator =
                new FloorLocator(camera.cameraModel(), ObjectClass.footprintRadiiByLabel());

        Map<String, Object> doc = new LinkedHashMap<>();
        try (LoadedModel loaded =
                        InferenceEngine.instance()
                                .load(
                                        modelPath,
                                        ModelRole.DETECTOR,
                                        profile,
                                        ModelContract.detector());
                OnnxDetector detector =
                        OnnxDetector.forSession(
                                loaded.session(),
                                modelPath,
                                new OnnxDetector.Options(0.5f, 0.5f, 100, 0))) {
            ExecutionReport report = loaded.report();
            double rawBefore = rawFps(loaded);
            PipelineFigures pipeline = runPipeline(detector, rendered, locator);
            double rawAfter = rawFps(loaded);
            double raw = (rawBefore + rawAfter) / 2;

            doc.put("command", "bench vision");
            doc.put("model", modelPath.getFileName().toString());
            doc.put("onnxRuntime", InferenceEngine.instance().onnxRuntimeVersion());
            doc.put("provider", report.used().id());
            doc.put("profile", profile.id());
            doc.put("intraOpThreads", profile.cpu().intraOpThreads());
            doc.put("cpu", CpuDescription.describe());
            doc.put(
                    "java",
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            doc.put(
                    "pacing",
                    rate > 0 ? "real-time at " + rate + " fps" : "paced (as fast as taken)");
            doc.put("warmupFrames", warmup);
            doc.put("timedFrames", frames);
            doc.put("rawFps", raw);
            doc.put("rawFpsBefore", rawBefore);
            doc.put("rawFpsAfter", rawAfter);
            doc.put("pipelineFps", pipeline.fps);
            doc.put("ratio", pipeline.fps / raw);
            doc.put("goalRatio", GOAL_RATIO);
            doc.put("framesCaptured", pipeline.captured);
            doc.put("framesProcessed", pipeline.processed);
            doc.put("framesFailed", pipeline.failed);
            doc.put("framesDropped", pipeline.dropped);
            doc.put("latencyMillis", pipeline.latencies);
            doc.put("allocatedBytesPerFrame", pipeline.bytesPerFrame);
            doc.put("goalAllocatedBytesPerFrame", GOAL_BYTES_PER_FRAME);
            doc.put("detectionsPerFrame", pipeline.detectionsPerFrame);
        }
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc));
        } else {
            print(out, doc);
        }
        out.flush();
        return 0;
    }

    /** Frames per second of bare pinned {@code session.run} after {@code warmup} runs. */
    private double rawFps(LoadedModel loaded) throws InferenceException {
        try (PinnedRunner runner = new PinnedRunner(loaded)) {
            for (String name : loaded.session().getInputNames()) {
                FloatBuffer in = runner.input(name);
                for (int i = 0; i < in.capacity(); i++) {
                    in.put(i, 0.5f);
                }
            }
            for (int i = 0; i < warmup; i++) {
                runner.run();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                runner.run();
            }
            return frames / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private record PipelineFigures(
            double fps,
            long captured,
            long processed,
            long failed,
            Map<String, Long> dropped,
            Map<String, Map<String, Double>> latencies,
            double bytesPerFrame,
            double detectionsPerFrame) {}

    private PipelineFigures runPipeline(
            OnnxDetector detector, CapturedFrame[] rendered, FloorLocator locator)
            throws Exception {
        PreRenderedSource source = new PreRenderedSource(rendered, rate);
        AtomicLong detections = new AtomicLong();
        VisionPipeline.Options options =
                VisionPipeline.Options.defaults()
                        .withPacing(rate > 0 ? Pacing.REAL_TIME : Pacing.PACED)
                        .withLocator(locator);
        Duration patience = Duration.ofMinutes(5);
        try (VisionPipeline<OnnxDetector.Slot> pipeline =
                VisionPipeline.start(
                        new DetectorStages(detector),
                        source,
                        options,
                        r -> detections.addAndGet(r.detections().size()))) {
            source.allow(warmup);
            if (!pipeline.awaitFrames(warmup, patience)) {
                throw new IllegalStateException("warm-up did not finish: " + pipeline);
            }
            pipeline.resetLatencies();
            long[] ids = pipeline.threads().stream().mapToLong(Thread::getId).toArray();
            com.sun.management.ThreadMXBean mx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long bytes0 = sum(mx.getThreadAllocatedBytes(ids));
            long processed0 = pipeline.framesProcessed();
            long failed0 = pipeline.framesFailed();
            long detections0 = detections.get();
            long[] dropped0 = new long[HandOff.values().length];
            for (HandOff h : HandOff.values()) {
                dropped0[h.ordinal()] = pipeline.framesDropped(h);
            }
            long t0 = System.nanoTime();
            source.allow(frames);
            if (!pipeline.awaitFrames(warmup + frames, patience)) {
                throw new IllegalStateException("timed frames did not finish: " + pipeline);
            }
            long elapsed = System.nanoTime() - t0;
            long bytes = sum(mx.getThreadAllocatedBytes(ids)) - bytes0;
            long processed = pipeline.framesProcessed() - processed0;
            Map<String, Long> dropped = new LinkedHashMap<>();
            long droppedTotal = 0;
            for (HandOff h : HandOff.values()) {
                long d = pipeline.framesDropped(h) - dropped0[h.ordinal()];
                dropped.put(camel(h.name()), d);
                droppedTotal += d;
            }
            dropped.put("total", droppedTotal);
            Map<String, Map<String, Double>> latencies = new LinkedHashMap<>();
            for (Stage s : List.of(Stage.PREPROCESS, Stage.INFERENCE, Stage.POSTPROCESS)) {
                latencies.put(camel(s.name()), percentiles(pipeline.latency(s)));
            }
            latencies.put("captureToResult", percentiles(pipeline.captureToResult()));
            return new PipelineFigures(
                    processed / (elapsed / 1e9),
                    frames,
                    processed,
                    pipeline.framesFailed() - failed0,
                    dropped,
                    latencies,
                    processed == 0 ? Double.NaN : bytes / (double) processed,
                    processed == 0
                            ? Double.NaN
                            : (detections.get() - detections0) / (double) processed);
        }
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) {
            s += Math.max(0, v); // -1 for a thread that ended
        }
        return s;
    }

    private static Map<String, Double> percentiles(LatencyHistogram h) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", h.quantileMillis(0.5));
        m.put("p99", h.quantileMillis(0.99));
        return m;
    }

    /** CAPTURE_TO_PREPROCESS -> captureToPreprocess. */
    private static String camel(String constant) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : constant.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintWriter out, Map<String, Object> d) {
        out.printf(
                "edgetwin bench vision: %s timed frames (+%s warm-up), 640x480 simulated, pre-rendered; %s%n",
                d.get("timedFrames"), d.get("warmupFrames"), d.get("pacing"));
        out.printf("model: %s%n", d.get("model"));
        int t = (Integer) d.get("intraOpThreads");
        out.printf(
                "ONNX Runtime %s, %s execution provider (profile %s), intra-op threads: %s%n",
                d.get("onnxRuntime"),
                d.get("provider"),
                d.get("profile"),
                t == 0 ? "default" : Integer.toString(t));
        out.printf("CPU: %s%n", d.get("cpu"));
        out.printf("Java: %s%n", d.get("java"));
        double ratio = (Double) d.get("ratio");
        out.printf(
                "raw session.run (pinned): %.1f fps (%.1f before, %.1f after the pipeline)%n",
                d.get("rawFps"), d.get("rawFpsBefore"), d.get("rawFpsAfter"));
        String verdict =
                ((String) d.get("pacing")).startsWith("real-time")
                        ? "fed at a set rate: not a throughput test"
                        : "goal >= "
                                + GOAL_RATIO
                                + ": "
                                + (ratio >= GOAL_RATIO ? "met" : "NOT met");
        out.printf(
                "pipeline end to end:      %.1f fps; ratio %.2f (%s)%n",
                d.get("pipelineFps"), ratio, verdict);
        out.printf("%-36s %8s %8s%n", "latency", "p50 ms", "p99 ms");
        Map<String, Map<String, Double>> lat =
                (Map<String, Map<String, Double>>) d.get("latencyMillis");
        for (Map.Entry<String, Map<String, Double>> e : lat.entrySet()) {
            out.printf(
                    "%-36s %8.2f %8.2f%n",
                    e.getKey(), e.getValue().get("p50"), e.getValue().get("p99"));
        }
        Map<String, Long> dropped = (Map<String, Long>) d.get("framesDropped");
        out.printf(
                "frames: %s captured, %s processed, %s failed, %s dropped %s%n",
                d.get("framesCaptured"),
                d.get("framesProcessed"),
                d.get("framesFailed"),
                dropped.get("total"),
                dropped);
        double bytes = (Double) d.get("allocatedBytesPerFrame");
        out.printf(
                "Java heap allocated by the pipeline threads: %.0f bytes per frame (goal <= %d: %s); %.2f detections per frame%n",
                bytes,
                GOAL_BYTES_PER_FRAME,
                bytes <= GOAL_BYTES_PER_FRAME ? "met" : "NOT met",
                d.get("detectionsPerFrame"));
    }
}
