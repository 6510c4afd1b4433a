package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.planner.MapLoadException;
import dev.edgetwin.planner.PlannerConfig;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.scenario.EpisodeResult;
import dev.edgetwin.runtime.scenario.LoopSettings;
import dev.edgetwin.runtime.scenario.PlannerScenario;
import dev.edgetwin.runtime.scenario.ScenarioReport;
import dev.edgetwin.runtime.scenario.ScenarioRunner;
import dev.edgetwin.vision.DetectorException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin planner scenarios}: the planner's closed-loop scenarios over many seeds (see
 * {@link ScenarioRunner}): success rate, collisions, the smallest gap to people and the reaction
 * time to a falling box, per scenario.
 */
@Command(
        name = "scenarios",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the planner in closed loop in the simulator (camera -> detector -> tracker ->"
                    + " planner -> bridge -> simulated firmware) over randomised seeds:",
            "a box falls into the aisle, a person crosses, a person walks at the robot, the aisle"
                    + " is blocked, the goal lies behind a moving robot.",
            "Prints per scenario the success rate, collisions, the smallest gap to people and"
                    + " the reaction time p50/p95 (box falls)."
        })
final class PlannerScenariosCommand implements Callable<Integer> {
    private static final String NAME = "edgetwin planner scenarios";

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--seeds",
            defaultValue = "100",
            paramLabel = "N",
            description = "Episodes per scenario. Default: ${DEFAULT-VALUE}.")
    int seeds;

    @Option(
            names = "--first-seed",
            defaultValue = "1",
            paramLabel = "S",
            description = "Seeds are S .. S+N-1. Default: ${DEFAULT-VALUE}.")
    long firstSeed;

    @Option(
            names = "--scenario",
            split = ",",
            paramLabel = "NAME",
            description =
                    "Only these (comma-separated): box-falls, person-crosses, person-approaches,"
                            + " aisle-blocked, goal-behind-moving-robot. Default: all.")
    List<String> scenarios;

    @Option(
            names = "--perception",
            defaultValue = "vision",
            paramLabel = "vision|ground-truth",
            description =
                    "vision: the detector through ONNX Runtime on the rendered frames;"
                            + " ground-truth: a perfect detector (the tracker still runs)."
                            + " Default: ${DEFAULT-VALUE}.")
    String perception;

    @Option(
            names = "--model",
            paramLabel = "FILE",
            description =
                    "The detector (classes robot, person, box). Default: the daemon's reference"
                            + " detector.")
    Path model;

    @Option(
            names = "--model-cache",
            paramLabel = "DIR",
            description = "Where generated models are kept.")
    Path modelCache;

    @Option(
            names = "--workers",
            defaultValue = "2",
            description =
                    "Episodes run at once (each: one detector thread, one planner thread)."
                            + " Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(
            names = "--samples",
            defaultValue = "2048",
            paramLabel = "K",
            description =
                    "Planner samples per cycle (Nav2's documented MPPI setting is 2000 x 56;"
                            + " bench planner times 4096 x 64). Default: ${DEFAULT-VALUE}.")
    int samples;

    @Option(
            names = "--steps",
            defaultValue = "56",
            paramLabel = "T",
            description = "Planner steps per sample. Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(
            names = "--png",
            paramLabel = "DIR",
            description = "Write each episode as a PNG into DIR.")
    Path png;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ScenarioRunner.Options options;
        try {
            List<PlannerScenario> chosen = new ArrayList<>();
            if (scenarios == null || scenarios.isEmpty()) {
                chosen.addAll(List.of(PlannerScenario.values()));
            } else {
                for (String s : scenarios) {
                    chosen.add(PlannerScenario.byLabel(s.trim()));
                }
            }
            ScenarioRunner.Perception mode =
                    switch (perception) {
                        case "vision" -> ScenarioRunner.Perception.VISION;
                        case "ground-truth" -> ScenarioRunner.Perception.GROUND_TRUTH;
                        default ->
                                throw new IllegalArgumentException(
                                        "--perception must be vision or ground-truth, got '"
                                                + perception
                                                + "'");
                    };
            PlannerConfig planner = LoopSettings.defaults().planner();
            planner = planner.withMppi(planner.mppi().withSamples(samples, steps));
            LoopSettings loop = LoopSettings.defaults().withPlanner(planner);
            Path detector = mode == ScenarioRunner.Perception.VISION ? resolveModel() : null;
            options =
                    new ScenarioRunner.Options(
                            chosen, firstSeed, seeds, mode, detector, workers, loop, png);
        } catch (IllegalArgumentException e) {
            err.printf("%s: %s%n", NAME, e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.printf("%s: could not generate the detector: %s%n", NAME, e.getMessage());
            err.flush();
            return 2;
        }
        long started = System.nanoTime();
        AtomicInteger done = new AtomicInteger();
        int total = options.scenarios().size() * seeds;
        ScenarioReport report;
        try {
            report =
                    ScenarioRunner.run(
                            options,
                            r -> {
                                int n = done.incrementAndGet();
                                if (!json && (n % 50 == 0 || !r.success())) {
                                    synchronized (err) {
                                        err.printf(
                                                "%d/%d %s seed %d: %s%n",
                                                n,
                                                total,
                                                r.scenario().label(),
                                                r.seed(),
                                                r.outcome());
                                        err.flush();
                                    }
                                }
                            });
        } catch (DetectorException e) {
            err.printf("%s: the detector failed: %s%n", NAME, e.getMessage());
            err.flush();
            return 1;
        } catch (MapLoadException | IOException e) {
            err.printf("%s: %s%n", NAME, e.getMessage());
            err.flush();
            return 1;
        }
        double wall = (System.nanoTime() - started) / 1e9;
        String cpu = CpuDescription.describe();
        String ort = InferenceEngine.instance().onnxRuntimeVersion();
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(document(options, report, wall, cpu, ort)));
        } else {
            out.print(report.table());
            out.printf(
                    "people gap goal: never below %.2f m (the safety layer's protective margin);"
                            + " camera every %d ms, planner every %d ms (%d x %d), perception %s%n",
                    report.protectiveMargin(),
                    options.loop().cameraPeriodMillis(),
                    options.loop().controlPeriodMillis(),
                    samples,
                    steps,
                    perception);
            out.printf(
                    "%.1f s wall clock, %d workers (%s, ONNX Runtime %s)%n",
                    wall, workers, cpu, ort);
        }
        out.flush();
        return 0;
    }

    private Path resolveModel() throws IOException {
        if (model != null) {
            return model;
        }
        Path cache = modelCache != null ? modelCache : ModelCache.defaultDirectory();
        return ModelCache.ensureReferenceDetector(cache);
    }

    static Map<String, Object> document(
            ScenarioRunner.Options options,
            ScenarioReport report,
            double wallSeconds,
            String cpu,
            String onnxRuntime) {
        Map<String, Object> settings = new LinkedHashMap<>();
        LoopSettings loop = options.loop();
        settings.put("firstSeed", options.firstSeed());
        settings.put("seeds", options.seeds());
        settings.put("perception", options.perception().name().toLowerCase().replace('_', '-'));
        settings.put("detector", options.detector() == null ? null : options.detector().toString());
        settings.put("cameraPeriodMillis", loop.cameraPeriodMillis());
        settings.put("controlPeriodMillis", loop.controlPeriodMillis());
        settings.put("perceptionLatencyMillis", loop.perceptionLatencyMillis());
        settings.put("samples", loop.planner().mppi().samples());
        settings.put("steps", loop.planner().mppi().steps());
        settings.put("protectiveMarginMetres", report.protectiveMargin());
        List<Map<String, Object>> scenarios = new ArrayList<>();
        for (ScenarioReport.ScenarioFigures f : report.figures()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("scenario", f.scenario().label());
            s.put("episodes", f.episodes());
            s.put("successRate", f.successRate());
            s.put("collisions", f.collisions());
            s.put("minPersonGapMetres", finite(f.minPersonGap()));
            s.put("episodesBelowMargin", f.belowMargin());
            s.put("reactionEpisodes", f.reactions());
            s.put("reactionP50Seconds", finite(f.reactionP50()));
            s.put("reactionP95Seconds", finite(f.reactionP95()));
            s.put("failures", f.failures());
            scenarios.add(s);
        }
        List<Map<String, Object>> episodes = new ArrayList<>();
        for (EpisodeResult e : report.episodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", e.scenario().label());
            m.put("seed", e.seed());
            m.put("success", e.success());
            m.put("collided", e.collided());
            m.put("outcome", e.outcome());
            m.put("minPersonGapMetres", finite(e.minPersonGap()));
            m.put("minObjectGapMetres", finite(e.minObjectGap()));
            m.put("reactionSeconds", finite(e.reactionSeconds()));
            m.put("seconds", e.seconds());
            m.put("frames", e.frames());
            m.put("cycles", e.cycles());
            m.put("safetyStops", e.safetyStops());
            episodes.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("settings", settings);
        doc.put("scenarios", scenarios);
        doc.put("episodes", episodes);
        doc.put("wallSeconds", wallSeconds);
        doc.put("cpu", cpu);
        doc.put("onnxRuntime", onnxRuntime);
        return doc;
    }

    /** JSON has no infinity or NaN: null stands for "none". */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
