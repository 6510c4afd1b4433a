package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelInspectionException;
import dev.edgetwin.modelkit.ModelInspector;
import dev.edgetwin.modelkit.ModelReport;
import dev.edgetwin.modelkit.quantize.CalibrationMethod;
import dev.edgetwin.modelkit.quantize.CalibrationSet;
import dev.edgetwin.modelkit.quantize.QdqFormat;
import dev.edgetwin.modelkit.quantize.QuantizationException;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.modelkit.quantize.QuantizedModel;
import dev.edgetwin.modelkit.quantize.StaticQuantizer;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.CameraCapture;
import dev.edgetwin.runtime.SimulatedFeed;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.InferenceException;
import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.source.SourceConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edgetwin models}: tools for model files. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Model tools.",
        subcommands = {
            ModelsCommand.Inspect.class,
            ModelsCommand.Quantize.class,
            ModelsEvaluateCommand.class,
            ModelLifecycleCommands.Pack.class,
            ModelLifecycleCommands.Verify.class,
            ModelLifecycleCommands.Install.class,
            ModelLifecycleCommands.ListModels.class,
            ModelLifecycleCommands.Activate.class,
            ModelLifecycleCommands.Rollback.class
        })
final class ModelsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * {@code edgetwin models inspect FILE}: what the model is (inputs, outputs, metadata, opset,
     * quantization) and which execution providers can run it on this machine.
     */
    @Command(
            name = "inspect",
            mixinStandardHelpOptions = true,
            description =
                    "Inputs, outputs, metadata, opset, quantization, and which execution providers run it here.")
    static final class Inspect implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "An ONNX model.")
        Path file;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Mixin ProfileOptions profileOptions;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ModelReport report;
            DeviceProfile profile;
            try {
                report = ModelInspector.inspect(file);
                profile = profileOptions.resolve().profile();
            } catch (ModelInspectionException | ProfileException e) {
                err.printf("edgetwin models inspect: %s%n", e.getMessage());
                return 2;
            }
            Map<String, String> providers = new LinkedHashMap<>();
            for (ExecutionProvider p : ExecutionProvider.values()) {
                providers.put(p.id(), tryProvider(profile, p));
            }
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("model", report);
                doc.put("onnxRuntime", InferenceEngine.instance().onnxRuntimeVersion());
                doc.put("executionProviders", providers);
                out.println(
                        new ObjectMapper()
                                .enable(SerializationFeature.INDENT_OUTPUT)
                                .writeValueAsString(doc));
            } else {
                out.print(report.summary());
                out.printf(
                        "execution providers here (ONNX Runtime %s):%n",
                        InferenceEngine.instance().onnxRuntimeVersion());
                providers.forEach((p, verdict) -> out.printf("  %-9s %s%n", p, verdict));
            }
            out.flush();
            return 0;
        }

        /** Loads the model on {@code provider} alone: "runs (...)" or why not. */
        private String tryProvider(DeviceProfile profile, ExecutionProvider provider) {
            try (LoadedModel loaded =
                    InferenceEngine.instance()
                            .load(file, ModelRole.DETECTOR, profile, List.of(provider), null)) {
                return String.format(
                        Locale.ROOT,
                        "runs (session %.0f ms, warm-up %.0f ms)",
                        loaded.report().loadMillis(),
                        loaded.report().warmupMillis());
            } catch (InferenceException e) {
                return "no: "
                        + (e.refusals().isEmpty() ? e.getMessage() : e.refusals().get(0).reason());
            }
        }
    }

    /**
     * {@code edgetwin models quantize IN OUT}: static INT8 (QDQ) quantization, calibrated on a
     * folder of images or on frames of the simulated camera the daemon runs by default.
     */
    @Command(
            name = "quantize",
            mixinStandardHelpOptions = true,
            description = {
                "Quantizes a float32 ONNX model to static INT8 (QDQ: int8 per-channel weights,"
                        + " int32 bias, asymmetric activations), calibrated on camera frames.",
                "The decode head after the last Conv/Gemm/MatMul and the graph outputs stay float."
            })
    static final class Quantize implements Callable<Integer> {
        /** How fast a folder "camera" is read when capturing calibration frames. */
        static final double CAPTURE_FPS = 30;

        /** Time a camera gets beyond N x interval to open and deliver (it may be reopening). */
        static final Duration CAPTURE_GRACE = Duration.ofSeconds(30);

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "IN", description = "The float32 ONNX model.")
        Path in;

        @Parameters(
                index = "1",
                paramLabel = "OUT",
                description = "Where to write the quantized model (replaced atomically).")
        Path out;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Frames frames;

        static final class Frames {
            @Option(
                    names = "--calibration",
                    paramLabel = "DIR",
                    description = "A folder of PNG/JPEG images, letterboxed as the runtime does.")
            Path folder;

            @Option(
                    names = "--frames",
                    paramLabel = "N",
                    description =
                            "Capture N frames from the configured camera (--camera, as for"
                                    + " `run`): by default the simulated factory (--seed), one"
                                    + " every 3 s of scene time; a real camera, one every"
                                    + " --frame-interval seconds.")
            Integer count;
        }

        @Option(
                names = "--seed",
                defaultValue = "1",
                paramLabel = "S",
                description =
                        "Seed of the simulated factory for --frames (default: ${DEFAULT-VALUE}).")
        long seed;

        @CommandLine.Mixin CameraOptions camera;

        @Option(
                names = "--frame-interval",
                defaultValue = "1",
                paramLabel = "SECONDS",
                description =
                        "With --frames and a real camera: seconds between the frames kept, so that"
                                + " they show different moments (default: ${DEFAULT-VALUE}).")
        double frameInterval;

        @Option(
                names = "--capture-timeout",
                paramLabel = "SECONDS",
                description =
                        "With --frames and a real camera: give up after this long. Default: N x"
                                + " --frame-interval + 30 s.")
        Double captureTimeout;

        @Option(
                names = "--method",
                defaultValue = "minmax",
                paramLabel = "minmax|percentile|entropy",
                description = "How activation ranges are chosen (default: ${DEFAULT-VALUE}).")
        String method;

        @Option(
                names = "--percentile",
                defaultValue = "99.99",
                paramLabel = "P",
                description =
                        "For --method percentile: keep P%% of the values at each end (default: ${DEFAULT-VALUE}).")
        double percentile;

        @Option(
                names = "--format",
                defaultValue = "s8s8",
                paramLabel = "s8s8|u8s8",
                description =
                        "int8 or uint8 activations; u8s8 lets ONNX Runtime fuse branching graphs on"
                                + " x86 CPUs (default: ${DEFAULT-VALUE}).")
        String format;

        @Option(
                names = "--exclude-node",
                paramLabel = "NAME",
                description = "Keep this node float (repeatable).")
        List<String> excludeNodes = List.of();

        @Option(
                names = "--exclude-op",
                paramLabel = "TYPE",
                description = "Keep every node of this operator type float (repeatable).")
        List<String> excludeOps = List.of();

        @Option(
                names = "--quantize-head",
                description = "Quantize the decode head too instead of keeping it float.")
        boolean quantizeHead;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            QuantizedModel q;
            QuantizationOptions options;
            try {
                options =
                        new QuantizationOptions(
                                CalibrationMethod.parse(method),
                                percentile,
                                QdqFormat.parse(format),
                                Set.copyOf(excludeNodes),
                                Set.copyOf(excludeOps),
                                !quantizeHead);
            } catch (IllegalArgumentException e) {
                err.printf("edgetwin models quantize: %s%n", e.getMessage());
                err.flush();
                return 2;
            }
            try {
                CalibrationSet calibration;
                if (frames.folder != null) {
                    calibration = CalibrationSet.imageFolder(frames.folder);
                } else if (camera.simulated()) {
                    calibration =
                            CalibrationSet.camera(
                                    SimulatedFeed.demo(seed, 10).camera(),
                                    frames.count,
                                    CalibrationSet.DEFAULT_FRAME_INTERVAL_SECONDS);
                } else {
                    calibration = captureFromCamera(err);
                    if (calibration == null) {
                        return 2;
                    }
                }
                q = StaticQuantizer.quantize(this.in, this.out, calibration, options);
                out.printf(
                        "wrote %s (%,d bytes): %s%n",
                        this.out, q.bytes().length, StaticQuantizer.description(options.format()));
                long folded =
                        q.quantizedNodes().stream().filter(n -> n.endsWith("(folded)")).count();
                out.printf(
                        "  int8 nodes    %d (%d ReLUs folded into the layer before them)%n",
                        q.quantizedNodes().size(), folded);
                out.printf("  Q/DQ pairs    %d activations%n", q.activationTensors());
                out.printf(
                        "  kept float    %s%n",
                        q.excludedNodes().isEmpty()
                                ? "none"
                                : q.excludedNodes().size() + ": " + abbreviate(q.excludedNodes()));
                out.printf(
                        "  calibration   %s over %d frames from %s%n",
                        options.methodDescription(), q.calibrationInputs(), calibration.source());
                out.printf("                sha256 %s%n", q.calibrationSha256());
                out.flush();
                return 0;
            } catch (QuantizationException e) {
                err.printf("edgetwin models quantize: %s%n", e.getMessage());
                err.flush();
                return 2;
            }
        }

        /**
         * {@code --frames} frames from the configured real camera, one every {@code
         * --frame-interval} seconds; null (with the reason printed) when the options are bad or the
         * camera does not deliver them in time.
         */
        private CalibrationSet captureFromCamera(PrintWriter err) throws QuantizationException {
            if (frames.count < 1) {
                err.printf(
                        "edgetwin models quantize: --frames must be >= 1, got %d%n", frames.count);
                return null;
            }
            if (!(frameInterval >= 0) || !Double.isFinite(frameInterval)) {
                err.printf(
                        "edgetwin models quantize: --frame-interval must be >= 0 seconds, got %s%n",
                        frameInterval);
                return null;
            }
            SourceConfig source;
            try {
                source = camera.source(CAPTURE_FPS);
            } catch (IllegalArgumentException e) {
                err.printf("edgetwin models quantize: %s%n", e.getMessage());
                return null;
            }
            if (captureTimeout != null && !(captureTimeout > 0)) {
                err.printf(
                        "edgetwin models quantize: --capture-timeout must be > 0 seconds, got %s%n",
                        captureTimeout);
                return null;
            }
            Duration budget =
                    captureTimeout != null
                            ? Duration.ofMillis((long) (captureTimeout * 1000))
                            : Duration.ofMillis((long) (frames.count * frameInterval * 1000))
                                    .plus(CAPTURE_GRACE);
            try {
                List<Frame> captured =
                        CameraCapture.capture(
                                source,
                                frames.count,
                                Duration.ofMillis((long) (frameInterval * 1000)),
                                budget);
                String where =
                        source instanceof SourceConfig.Mjpeg m
                                ? "mjpeg:" + m.redactedUrl() // never credentials in metadata
                                : camera.camera;
                return CalibrationSet.frames(
                        String.format(
                                Locale.ROOT,
                                "camera '%s' (%s), a frame every %s s",
                                source.cameraId(),
                                where,
                                java.math.BigDecimal.valueOf(frameInterval)
                                        .stripTrailingZeros()
                                        .toPlainString()),
                        captured);
            } catch (CameraCapture.CaptureException e) {
                err.printf("edgetwin models quantize: %s%n", e.getMessage());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("edgetwin models quantize: interrupted while capturing frames");
                return null;
            }
        }

        /** The first few names, then how many more: a decode head can be a hundred nodes. */
        private static String abbreviate(List<String> names) {
            int shown = Math.min(names.size(), 6);
            String head = String.join(", ", names.subList(0, shown));
            return shown == names.size()
                    ? head
                    : head + ", ... (" + (names.size() - shown) + " more)";
        }
    }
}
