package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.planner.OnnxTrajectoryCritic;
import dev.edgetwin.planner.PlannerBench;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.inference.InferenceEngine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin bench planner}: the planner's control cycle at K x T on this machine (see {@link
 * PlannerBench}): cycle p50/p99 with the analytic critics and with the learned critic (the model
 * kit's trajectory scorer through ONNX Runtime, one intra-op thread) on the best 256, rollout
 * state-steps per second, and the learned critic alone on 256 candidates.
 */
@Command(
        name = "planner",
        mixinStandardHelpOptions = true,
        description =
                "Times the planner's control cycle (K x T sampled futures) and its learned critic.")
final class BenchPlannerCommand implements Callable<Integer> {
    private static final String NAME = "edgetwin bench planner";
    static final double GOAL_HZ = 50;
    static final double GOAL_P99_MS = 20;
    static final double GOAL_CRITIC_MS = 4;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--samples",
            defaultValue = "4096",
            paramLabel = "K",
            description = "Sampled control sequences. Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(
            names = "--steps",
            defaultValue = "64",
            paramLabel = "T",
            description = "Steps per sequence. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description = "Rollout threads. Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--cycles",
            defaultValue = "500",
            description = "Timed cycles of each kind. Default: ${DEFAULT-VALUE}.")
    int cycles;

    @Option(
            names = "--warmup",
            defaultValue = "100",
            description = "Untimed cycles first. Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--no-learned",
            description = "Skip the learned critic (no model is trained or loaded).")
    boolean noLearned;

    @Option(
            names = "--model-cache",
            paramLabel = "DIR",
            description = "Where generated models are kept.")
    Path modelCache;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (samples < 1 || steps < 2 || threads < 1 || cycles < 1 || warmup < 0) {
            err.printf(
                    "%s: --samples >= 1, --steps >= 2, --threads >= 1, --cycles >= 1 and"
                            + " --warmup >= 0 expected, got %d, %d, %d, %d, %d%n",
                    NAME, samples, steps, threads, cycles, warmup);
            err.flush();
            return 2;
        }
        PlannerBench.Result r;
        try {
            InferenceEngine.instance();
            if (noLearned) {
                r = PlannerBench.run(samples, steps, threads, cycles, warmup, null);
            } else {
                Path cache = modelCache != null ? modelCache : ModelCache.defaultDirectory();
                Path model = ModelCache.ensureTrajectoryScorer(cache);
                try (OnnxTrajectoryCritic critic = OnnxTrajectoryCritic.open(model, 256, 1)) {
                    r = PlannerBench.run(samples, steps, threads, cycles, warmup, critic);
                }
            }
        } catch (IllegalArgumentException e) {
            err.printf("%s: %s%n", NAME, e.getMessage());
            err.flush();
            return 2;
        }
        String cpu = CpuDescription.describe();
        String ort = InferenceEngine.instance().onnxRuntimeVersion();
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(document(r, cpu, ort)));
        } else {
            out.printf(
                    "planner cycle %d x %d on %d threads, %d cycles after %d warm-up%n",
                    r.samples(), r.steps(), r.threads(), cycles, warmup);
            line(out, "cycle, analytic critics", r.analytic());
            out.printf(
                    "  %.0f Hz at p50, %.3g state-steps/s (goals: >= %.0f Hz, p99 <= %.0f ms)%n",
                    1e3 / r.analytic().p50(), r.stateStepsPerSecond(), GOAL_HZ, GOAL_P99_MS);
            if (r.withLearned() != null) {
                line(
                        out,
                        "cycle + learned critic on best " + r.learnedCandidates(),
                        r.withLearned());
                out.printf(
                        "  learned critic in time in %d cycles, missed its %d ms deadline or busy"
                                + " in %d%n",
                        r.learnedRan(), r.learnedDeadline().toMillis(), r.learnedMissed());
                line(
                        out,
                        "learned critic alone, " + r.learnedCandidates() + " candidates",
                        r.learnedAlone());
                out.printf("  (goal: <= %.0f ms)%n", GOAL_CRITIC_MS);
            }
            out.printf("(%s, ONNX Runtime %s)%n", cpu, ort);
        }
        out.flush();
        return 0;
    }

    private static void line(PrintWriter out, String what, PlannerBench.Timing t) {
        out.printf(
                "%-44s p50 %6.2f ms  p90 %6.2f ms  p99 %6.2f ms  max %6.2f ms  mean %6.2f ms%n",
                what, t.p50(), t.p90(), t.p99(), t.max(), t.mean());
    }

    static Map<String, Object> document(PlannerBench.Result r, String cpu, String ort) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("samples", r.samples());
        doc.put("steps", r.steps());
        doc.put("threads", r.threads());
        doc.put("cycle", timing(r.analytic()));
        doc.put("cycleHzAtP50", 1e3 / r.analytic().p50());
        doc.put("stateStepsPerSecond", r.stateStepsPerSecond());
        if (r.withLearned() != null) {
            doc.put("learnedCandidates", r.learnedCandidates());
            doc.put("learnedDeadlineMillis", r.learnedDeadline().toMillis());
            doc.put("cycleWithLearned", timing(r.withLearned()));
            doc.put("learnedRan", r.learnedRan());
            doc.put("learnedMissedOrBusy", r.learnedMissed());
            doc.put("learnedCritic", timing(r.learnedAlone()));
        }
        doc.put(
                "goals",
                Map.of(
                        "cycleHz",
                        GOAL_HZ,
                        "cycleP99Millis",
                        GOAL_P99_MS,
                        "learnedCriticMillis",
                        GOAL_CRITIC_MS));
        doc.put("cpu", cpu);
        doc.put("onnxRuntime", ort);
        return doc;
    }

    private static Map<String, Object> timing(PlannerBench.Timing t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", t.runs());
        m.put("p50Millis", t.p50());
        m.put("p90Millis", t.p90());
        m.put("p99Millis", t.p99());
        m.put("maxMillis", t.max());
        m.put("meanMillis", t.mean());
        return m;
    }
}
