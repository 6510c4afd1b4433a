package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.MapLoadException;
import dev.edgetwin.planner.StaticMap;
import dev.edgetwin.runtime.vision.SequenceEvaluation;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.Shelf;
import dev.edgetwin.vision.DetectorException;
import dev.edgetwin.vision.OnnxDetector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * Runs {@link PlannerScenario}s over many seeds in closed loop ({@link ClosedLoopEpisode}) and
 * gathers a {@link ScenarioReport}. Episodes are independent and deterministic, so they run on
 * {@code workers} threads, each with its own detector (one ONNX Runtime intra-op thread) and a
 * one-thread planner; the results do not depend on the number of workers.
 */
public final class ScenarioRunner {

    /** Where the planner's obstacles come from. */
    public enum Perception {
        /** The detector through ONNX Runtime on the rendered frames, then floor placement. */
        VISION,
        /**
         * Every visible object's ground-truth box and footprint (a perfect detector), for telling
         * planner failures from perception failures. The tracker still runs.
         */
        GROUND_TRUTH
    }

    /**
     * What to run; validated when built.
     *
     * @param scenarios at least one
     * @param firstSeed seeds are {@code firstSeed .. firstSeed + seeds - 1}
     * @param seeds episodes per scenario, 1 to 10000
     * @param perception where obstacles come from
     * @param detector the detector model for {@link Perception#VISION} (ignored otherwise)
     * @param workers episodes run at once, 1 to 64
     * @param loop how each episode runs
     * @param pngDir write each episode as a PNG here, or null
     */
    public record Options(
            List<PlannerScenario> scenarios,
            long firstSeed,
            int seeds,
            Perception perception,
            Path detector,
            int workers,
            LoopSettings loop,
            Path pngDir) {
        public Options {
            scenarios = List.copyOf(Objects.requireNonNull(scenarios, "scenarios"));
            Objects.requireNonNull(perception, "perception");
            Objects.requireNonNull(loop, "loop");
            if (scenarios.isEmpty()) {
                throw new IllegalArgumentException("scenarios must name at least one scenario");
            }
            if (seeds < 1 || seeds > 10_000) {
                throw new IllegalArgumentException("seeds must be in [1, 10000], got " + seeds);
            }
            if (workers < 1 || workers > 64) {
                throw new IllegalArgumentException("workers must be in [1, 64], got " + workers);
            }
            if (perception == Perception.VISION && detector == null) {
                throw new IllegalArgumentException("vision perception needs a detector model");
            }
        }
    }

    private ScenarioRunner() {}

    /**
     * Runs every scenario over every seed.
     *
     * @param progress called with each episode's result as it finishes (from the worker threads)
     * @throws DetectorException if the detector cannot be opened or fails on a frame
     * @throws IOException if the map or a PNG cannot be written
     */
    public static ScenarioReport run(Options options, Consumer<EpisodeResult> progress)
            throws DetectorException, IOException, MapLoadException {
        Map<List<Shelf>, StaticMap> maps = new HashMap<>();
        List<EpisodeSetup> setups = new ArrayList<>();
        for (PlannerScenario scenario : options.scenarios()) {
            for (int i = 0; i < options.seeds(); i++) {
                EpisodeSetup setup = scenario.setup(options.firstSeed() + i);
                setups.add(setup);
                if (!maps.containsKey(setup.extraShelves())) {
                    maps.put(setup.extraShelves(), mapOf(setup));
                }
            }
        }
        if (options.pngDir() != null) {
            Files.createDirectories(options.pngDir());
        }
        List<OnnxDetector> opened = Collections.synchronizedList(new ArrayList<>());
        ThreadLocal<SequenceEvaluation.FrameObserver> observers = new ThreadLocal<>();
        ExecutorService pool =
                Executors.newFixedThreadPool(
                        options.workers(),
                        r -> {
                            Thread t = new Thread(r, "scenario-worker");
                            t.setDaemon(true);
                            return t;
                        });
        try {
            List<Future<EpisodeResult>> futures = new ArrayList<>();
            for (EpisodeSetup setup : setups) {
                futures.add(
                        pool.submit(
                                () -> {
                                    SequenceEvaluation.FrameObserver observer = observers.get();
                                    if (observer == null) {
                                        observer = observer(options, opened);
                                        observers.set(observer);
                                    }
                                    EpisodeTrace trace =
                                            options.pngDir() != null ? new EpisodeTrace() : null;
                                    EpisodeResult result =
                                            ClosedLoopEpisode.run(
                                                    setup,
                                                    maps.get(setup.extraShelves()),
                                                    observer,
                                                    options.loop(),
                                                    trace);
                                    if (trace != null) {
                                        EpisodeImage.write(
                                                setup,
                                                result,
                                                trace,
                                                options.loop().robot(),
                                                options.pngDir()
                                                        .resolve(
                                                                setup.scenario().label()
                                                                        + "-seed"
                                                                        + setup.seed()
                                                                        + ".png"));
                                    }
                                    progress.accept(result);
                                    return result;
                                }));
            }
            List<EpisodeResult> results = new ArrayList<>(futures.size());
            for (Future<EpisodeResult> f : futures) {
                results.add(f.get());
            }
            return new ScenarioReport(
                    results, options.loop().planner().safety().personProtectiveMargin());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scenarios", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof DetectorException d) {
                throw d;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
            for (OnnxDetector d : opened) {
                d.close();
            }
        }
    }

    private static SequenceEvaluation.FrameObserver observer(
            Options options, List<OnnxDetector> opened) throws DetectorException {
        if (options.perception() == Perception.GROUND_TRUTH) {
            return SequenceEvaluation.groundTruth();
        }
        // The daemon's decoding settings (confidence 0.5, IoU 0.5, at most 100), one intra-op
        // thread: the workers are the parallelism.
        OnnxDetector detector =
                OnnxDetector.open(options.detector(), new OnnxDetector.Options(0.5f, 0.5f, 100, 1));
        opened.add(detector);
        return SequenceEvaluation.detector(detector);
    }

    /**
     * The planner's map of the setup's hall, through the format robot teams have: written as a ROS
     * map_server PGM + YAML at 0.1 m and loaded back with {@link StaticMap#load}.
     */
    static StaticMap mapOf(EpisodeSetup setup) throws IOException, MapLoadException {
        FactoryScene scene =
                FactoryScene.scripted(setup.seed(), setup.start(), setup.extraShelves(), List.of());
        Path dir = Files.createTempDirectory("edgetwin-scenario-map");
        try {
            StaticMap map = StaticMap.load(scene.writeOccupancyMap(dir, "hall", 0.1));
            Logger.debug("Scenario map {}: {} x {}", setup.scenario(), map.width(), map.height());
            return map;
        } finally {
            for (String name : new String[] {"hall.pgm", "hall.yaml"}) {
                Files.deleteIfExists(dir.resolve(name));
            }
            Files.deleteIfExists(dir);
        }
    }
}
