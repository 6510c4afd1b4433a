package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.quantize.QdqFormat;
import dev.edgetwin.modelkit.quantize.QuantizationException;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.modelkit.training.DetectionEvaluator;
import dev.edgetwin.modelkit.training.EvaluationReport;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.InferenceException;
import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.runtime.inference.ModelContract;
import dev.edgetwin.runtime.inference.PrecisionSelector;
import dev.edgetwin.runtime.inference.RunTimer;
import dev.edgetwin.vision.DetectorException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin models evaluate}: a detector's accuracy in fp32 and int8 on held-out simulator
 * scenes and its speed in both on this machine, against the gates the model kit promises: int8
 * mAP@0.5 at least 0.97 of fp32, int8 throughput at least 1.3 times fp32.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Accuracy (mAP@0.5, per-class AP) and throughput of a detector in fp32 and int8, with the gates:",
            "int8 mAP >= 0.97 x fp32, int8 throughput >= 1.3 x fp32. Exit code 1 when a gate fails."
        })
final class ModelsEvaluateCommand implements Callable<Integer> {
    static final double ACCURACY_GATE = 0.97;
    static final double SPEED_GATE = 1.3;
    static final int WARMUP_RUNS = 30;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description = "fp32 detector. Default: the trained reference detector.")
    Path model;

    @Option(
            names = "--int8",
            paramLabel = "FILE",
            description = "Its int8 version. Default: quantized here from simulator frames.")
    Path int8;

    @Option(
            names = "--model-cache",
            paramLabel = "DIR",
            description = "Where generated models are kept.")
    Path modelCache;

    @Option(
            names = "--scenes",
            defaultValue = "200",
            description = "Held-out scenes. Default: ${DEFAULT-VALUE}.")
    int scenes;

    @Option(
            names = "--test-seed",
            defaultValue = "1000",
            description = "Seed of the held-out scenes. Default: ${DEFAULT-VALUE}.")
    long testSeed;

    @Option(
            names = "--calibration-frames",
            defaultValue = "64",
            description = "Simulator frames to calibrate int8 with. Default: ${DEFAULT-VALUE}.")
    int calibrationFrames;

    @Option(
            names = "--format",
            defaultValue = "s8s8",
            description =
                    "int8 QDQ format when quantizing here: s8s8 or u8s8. Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--runs",
            defaultValue = "200",
            description =
                    "Timed runs per model, in rounds of ten taken in turns with the other model (after 30 warm-up runs). Default: ${DEFAULT-VALUE}.")
    int runs;

    @Option(
            names = "--exclude-op",
            paramLabel = "TYPE",
            description = "Op types to keep float when quantizing here (repeatable), e.g. MaxPool.")
    java.util.Set<String> excludeOps = new java.util.TreeSet<>();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Mixin ProfileOptions profileOptions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (scenes < 1 || runs < 1 || calibrationFrames < 1) {
            err.println(
                    "edgetwin models evaluate: --scenes, --runs and --calibration-frames must be >= 1");
            return 2;
        }
        QdqFormat qdq;
        try {
            qdq = QdqFormat.valueOf(format.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.printf(
                    "edgetwin models evaluate: --format must be s8s8 or u8s8, got '%s'%n", format);
            return 2;
        }
        Path cache = modelCache != null ? modelCache : ModelCache.defaultDirectory();
        Path fp32 = model != null ? model : ModelCache.ensureTrainedDetector(cache);
        Path quantized;
        DeviceProfile profile;
        try {
            profile = profileOptions.resolve().profile();
            quantized = int8 != null ? int8 : quantize(fp32, cache, qdq);
        } catch (ProfileException | QuantizationException | IOException e) {
            err.printf("edgetwin models evaluate: %s%n", e.getMessage());
            return 2;
        }
        EvaluationReport fp32Accuracy;
        EvaluationReport int8Accuracy;
        RunTimer.Timing fp32Speed;
        RunTimer.Timing int8Speed;
        try {
            fp32Accuracy = DetectionEvaluator.evaluate(fp32, testSeed, scenes);
            int8Accuracy = DetectionEvaluator.evaluate(quantized, testSeed, scenes);
            List<RunTimer.Timing> speeds = measure(fp32, quantized, profile);
            fp32Speed = speeds.get(0);
            int8Speed = speeds.get(1);
        } catch (DetectorException | InferenceException e) {
            err.printf("edgetwin models evaluate: %s%n", e.getMessage());
            return 2;
        }
        double accuracyRatio = int8Accuracy.meanAp() / fp32Accuracy.meanAp();
        double speedRatio = fp32Speed.medianMillis() / int8Speed.medianMillis();
        boolean accuracyPass = accuracyRatio >= ACCURACY_GATE;
        boolean speedPass = speedRatio >= SPEED_GATE;
        String cpu = CpuDescription.describe();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put(
                    "fp32",
                    Map.of("model", fp32.toString(), "accuracy", fp32Accuracy, "speed", fp32Speed));
            doc.put(
                    "int8",
                    Map.of(
                            "model",
                            quantized.toString(),
                            "accuracy",
                            int8Accuracy,
                            "speed",
                            int8Speed));
            doc.put("int8OverFp32MeanAp", accuracyRatio);
            doc.put("int8OverFp32Throughput", speedRatio);
            doc.put("gates", Map.of("accuracy", accuracyPass, "speed", speedPass));
            doc.put("cpu", cpu);
            doc.put("onnxRuntime", InferenceEngine.instance().onnxRuntimeVersion());
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc));
        } else {
            out.println("fp32: " + fp32.getFileName());
            out.print(fp32Accuracy.summary());
            out.println("int8: " + quantized.getFileName());
            out.print(int8Accuracy.summary());
            out.printf(
                    Locale.ROOT,
                    "speed (%s, ONNX Runtime %s, %s provider, %d runs after warm-up, median):%n"
                            + "  fp32 %.2f ms (%.1f frames/s)   int8 %.2f ms (%.1f frames/s)%n",
                    cpu,
                    InferenceEngine.instance().onnxRuntimeVersion(),
                    fp32Speed.provider(),
                    fp32Speed.runs(),
                    fp32Speed.medianMillis(),
                    1000 / fp32Speed.medianMillis(),
                    int8Speed.medianMillis(),
                    1000 / int8Speed.medianMillis());
            out.printf(
                    Locale.ROOT,
                    "gate: int8 mAP / fp32 mAP = %.4f (>= %.2f) %s%n"
                            + "gate: int8 / fp32 throughput = %.2fx (>= %.1fx) %s%n",
                    accuracyRatio,
                    ACCURACY_GATE,
                    accuracyPass ? "PASS" : "FAIL",
                    speedRatio,
                    SPEED_GATE,
                    speedPass ? "PASS" : "FAIL");
            if (fp32Speed.medianMillis() / int8Speed.medianMillis()
                    < PrecisionSelector.MIN_INT8_SPEEDUP) {
                out.println(
                        "int8 is not faster here: `edgetwin run` times both builds at start and"
                                + " serves fp32 on this device.");
            }
        }
        out.flush();
        return accuracyPass && speedPass ? 0 : 1;
    }

    private Path quantize(Path fp32, Path cache, QdqFormat qdq)
            throws QuantizationException, IOException {
        return ModelCache.ensureSimulatorQuantized(
                fp32,
                cache,
                calibrationFrames,
                QuantizationOptions.defaults().withFormat(qdq).withExcludedOpTypes(excludeOps));
    }

    /** Warm-up, then {@code runs} timed runs of each model, in turns; medians, like a benchmark. */
    private List<RunTimer.Timing> measure(Path fp32, Path int8, DeviceProfile profile)
            throws InferenceException {
        try (LoadedModel a =
                        InferenceEngine.instance()
                                .load(fp32, ModelRole.DETECTOR, profile, ModelContract.detector());
                LoadedModel b =
                        InferenceEngine.instance()
                                .load(
                                        int8,
                                        ModelRole.DETECTOR,
                                        profile,
                                        ModelContract.detector())) {
            int rounds = Math.max(1, runs / 10);
            return RunTimer.time(
                    List.of(a, b),
                    new RunTimer.Plan(WARMUP_RUNS, rounds, (runs + rounds - 1) / rounds));
        }
    }
}
