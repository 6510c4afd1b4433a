package dev.edgetwin.runtime.inference;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times {@code session.run} of loaded models the way a benchmark does: warm-up first, then many
 * runs, medians. Several models are timed in turns (a few runs of each, round after round), so a
 * burst of load from other processes falls on all of them alike instead of on whichever ran then.
 * Inputs are seeded random values in [0, 1), written once.
 *
 * <p>Runs on the caller's thread; the models must not serve frames meanwhile.
 */
public final class RunTimer {
    /**
     * How much timing to do.
     *
     * @param warmupRuns untimed runs of each model first
     * @param rounds rounds of timed runs
     * @param runsPerRound timed runs of each model per round
     */
    public record Plan(int warmupRuns, int rounds, int runsPerRound) {
        public Plan {
            if (warmupRuns < 0) {
                throw new IllegalArgumentException("warmupRuns must be >= 0, got " + warmupRuns);
            }
            if (rounds < 1) {
                throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
            }
            if (runsPerRound < 1) {
                throw new IllegalArgumentException(
                        "runsPerRound must be >= 1, got " + runsPerRound);
            }
        }

        public int timedRuns() {
            return rounds * runsPerRound;
        }
    }

    /**
     * Timings of one model.
     *
     * @param provider the execution provider it ran on
     * @param runs timed runs
     * @param medianMillis median of the runs
     * @param p90Millis 90th percentile of the runs
     */
    public record Timing(String provider, int runs, double medianMillis, double p90Millis) {}

    private RunTimer() {}

    /** Timings of {@code models}, in their order. */
    public static List<Timing> time(List<LoadedModel> models, Plan plan) throws InferenceException {
        List<PinnedRunner> runners = new ArrayList<>();
        try {
            for (LoadedModel model : models) {
                PinnedRunner runner = new PinnedRunner(model);
                runners.add(runner);
                fillInputs(runner, model);
            }
            for (PinnedRunner runner : runners) {
                for (int i = 0; i < plan.warmupRuns(); i++) {
                    runner.run();
                }
            }
            double[][] millis = new double[runners.size()][plan.timedRuns()];
            for (int round = 0; round < plan.rounds(); round++) {
                for (int m = 0; m < runners.size(); m++) {
                    for (int i = 0; i < plan.runsPerRound(); i++) {
                        long t0 = System.nanoTime();
                        runners.get(m).run();
                        millis[m][round * plan.runsPerRound() + i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
            }
            List<Timing> timings = new ArrayList<>();
            for (int m = 0; m < runners.size(); m++) {
                double[] sorted = millis[m];
                Arrays.sort(sorted);
                timings.add(
                        new Timing(
                                models.get(m).report().used().id(),
                                sorted.length,
                                sorted[sorted.length / 2],
                                sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.9))]));
            }
            return timings;
        } finally {
            runners.forEach(PinnedRunner::close);
        }
    }

    private static void fillInputs(PinnedRunner runner, LoadedModel model) {
        SplittableRandom random = new SplittableRandom(7);
        for (String name : model.session().getInputNames()) {
            FloatBuffer in = runner.input(name);
            for (int i = 0; i < in.capacity(); i++) {
                in.put(i, (float) random.nextDouble());
            }
        }
    }
}
