package dev.edgetwin.planner;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How fast this machine runs the planner: control cycles of K x T on the benchmark's world (a 30 m
 * x 4 m corridor, two people walking, a box in the lane, a parked robot; the fake clock advances 50
 * ms a cycle, so the warm start shifts as it would live), with the analytic critics alone and with
 * a learned critic on the best 256, and the learned critic alone on 256 candidates. The same world
 * as the JMH {@code PlannerCycleBenchmark}; this one is for {@code edgetwin bench planner} on a
 * device. Timed with {@link System#nanoTime()} around each call, after untimed warm-up cycles.
 */
public final class PlannerBench {
    private static final double WIDTH = 4.0;
    private static final double LANE = 0.05 + WIDTH / 2;

    private PlannerBench() {}

    /**
     * Latencies of one kind of call, milliseconds.
     *
     * @param runs timed calls
     */
    public record Timing(int runs, double p50, double p90, double p99, double max, double mean) {
        static Timing of(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            double sum = 0;
            for (long n : s) {
                sum += n;
            }
            return new Timing(
                    s.length,
                    rank(s, 0.50),
                    rank(s, 0.90),
                    rank(s, 0.99),
                    s[s.length - 1] / 1e6,
                    sum / s.length / 1e6);
        }

        private static double rank(long[] sorted, double q) {
            int r = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, r - 1))] / 1e6;
        }
    }

    /**
     * What one run measured.
     *
     * @param analytic cycles with the analytic critics alone
     * @param stateStepsPerSecond K x T rollout steps per second of analytic cycle (at its mean)
     * @param withLearned cycles with the learned critic on the best {@code learnedCandidates}, or
     *     null without a critic
     * @param learnedAlone the learned critic alone on {@code learnedCandidates} candidates, or null
     * @param learnedRan cycles in which the learned critic's result arrived in time
     * @param learnedMissed cycles in which it missed its deadline or was still busy
     */
    public record Result(
            int samples,
            int steps,
            int threads,
            int learnedCandidates,
            Duration learnedDeadline,
            Timing analytic,
            double stateStepsPerSecond,
            Timing withLearned,
            Timing learnedAlone,
            long learnedRan,
            long learnedMissed) {}

    /**
     * Runs {@code warmup} untimed then {@code cycles} timed cycles of each kind.
     *
     * @param critic the learned critic (at least 256 candidates), or null to skip those parts
     */
    public static Result run(
            int samples, int steps, int threads, int cycles, int warmup, BatchCritic critic)
            throws Exception {
        if (cycles < 1 || warmup < 0) {
            throw new IllegalArgumentException(
                    "cycles must be >= 1 and warmup >= 0, got " + cycles + " and " + warmup);
        }
        int m = Math.min(256, samples);
        Duration deadline = Duration.ofMillis(4);
        Timing analytic = cycles(samples, steps, threads, cycles, warmup, null, m, deadline, null);
        double stepsPerSecond = (double) samples * steps / (analytic.mean() / 1e3);
        if (critic == null) {
            return new Result(
                    samples,
                    steps,
                    threads,
                    m,
                    deadline,
                    analytic,
                    stepsPerSecond,
                    null,
                    null,
                    0,
                    0);
        }
        long[] counts = new long[2];
        Timing learned =
                cycles(samples, steps, threads, cycles, warmup, critic, m, deadline, counts);
        TrajectoryBatch batch = batch(m, Math.min(steps, 64));
        float[] risk = new float[m];
        for (int i = 0; i < warmup; i++) {
            critic.score(batch, risk);
        }
        long[] alone = new long[cycles];
        for (int i = 0; i < cycles; i++) {
            long t0 = System.nanoTime();
            critic.score(batch, risk);
            alone[i] = System.nanoTime() - t0;
        }
        return new Result(
                samples,
                steps,
                threads,
                m,
                deadline,
                analytic,
                stepsPerSecond,
                learned,
                Timing.of(alone),
                counts[0],
                counts[1]);
    }

    private static Timing cycles(
            int samples,
            int steps,
            int threads,
            int cycles,
            int warmup,
            BatchCritic critic,
            int m,
            Duration deadline,
            long[] counts) {
        long[] now = {0};
        PlannerConfig d = PlannerConfig.defaults();
        PlannerConfig cfg =
                d.withMppi(
                        d.mppi()
                                .withSamples(samples, steps)
                                .withThreads(threads)
                                .withLearned(m, deadline, 20.0));
        List<Track> tracks =
                List.of(
                        Track.of("p1", ObstacleClass.PERSON, 7, LANE + 1.0, -0.8, -0.1, 0.25, 0.1),
                        Track.of("p2", ObstacleClass.PERSON, 5.5, LANE - 1.2, 0.2, 0.6, 0.25, 0.1),
                        Track.of("box", ObstacleClass.BOX, 8, LANE - 0.2, 0, 0, 0.3, 0.05),
                        Track.of("amr", ObstacleClass.ROBOT, 11, LANE + 1.2, 0, 0, 0.4, 0.05));
        RobotState state = new RobotState(new Pose(3, LANE, 0), new VelocityCommand(0.8, 0, 0));
        Pose goal = new Pose(27, LANE, 0);
        long[] timed = new long[cycles];
        try (Planner planner =
                new Planner(corridor(), RobotConfig.defaults(), cfg, () -> now[0], critic)) {
            for (int i = 0; i < warmup + cycles; i++) {
                now[0] += 50_000_000L;
                long t0 = System.nanoTime();
                planner.cycle(new WorldSnapshot(now[0], tracks), state, goal);
                long dt = System.nanoTime() - t0;
                if (i >= warmup) {
                    timed[i - warmup] = dt;
                }
            }
            if (counts != null) {
                counts[0] = planner.learnedCount(LearnedCriticStatus.RAN);
                counts[1] =
                        planner.learnedCount(LearnedCriticStatus.MISSED_DEADLINE)
                                + planner.learnedCount(LearnedCriticStatus.BUSY);
            }
        }
        return Timing.of(timed);
    }

    /** 30 m x 4 m between walls of one cell, 0.05 m cells. */
    private static StaticMap corridor() {
        double res = 0.05;
        int w = (int) Math.round(30 / res);
        int h = (int) Math.round(WIDTH / res) + 2;
        boolean[] occ = new boolean[w * h];
        for (int c = 0; c < w; c++) {
            occ[c] = true;
            occ[(h - 1) * w + c] = true;
        }
        for (int r = 0; r < h; r++) {
            occ[r * w] = true;
            occ[r * w + w - 1] = true;
        }
        return StaticMap.of(w, h, res, 0, 0, occ);
    }

    /** A fan of straight and curving candidates from (3, lane), with the two people. */
    private static TrajectoryBatch batch(int m, int steps) {
        TrajectoryBatch batch = new TrajectoryBatch(m, steps, 0.05);
        for (int k = 0; k < m; k++) {
            for (int t = 0; t < steps; t++) {
                int i = k * steps + t;
                double a = (k - m / 2.0) / (m / 2.0) * 0.8 * (t + 1) * 0.05;
                batch.x[i] = (float) (3 + 0.9 * (t + 1) * 0.05);
                batch.y[i] = (float) (LANE + 0.5 * a);
                batch.cos[i] = (float) Math.cos(a);
                batch.sin[i] = (float) Math.sin(a);
                batch.speed[i] = 0.9f;
            }
        }
        batch.setCount(m);
        batch.setRobot(3, LANE, 0);
        batch.addPerson(7, LANE + 1.0, -0.8, -0.1);
        batch.addPerson(5.5, LANE - 1.2, 0.2, 0.6);
        return batch;
    }
}
