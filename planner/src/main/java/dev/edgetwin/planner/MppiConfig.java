package dev.edgetwin.planner;

import java.time.Duration;

/**
 * The sampling optimiser's settings (names follow Nav2's MPPI controller where they mean the same).
 *
 * @param samples K, sampled control sequences per cycle (the seeded candidates are among them)
 * @param steps T, steps per sequence
 * @param dt seconds per step (Nav2's model_dt)
 * @param temperature softmax temperature on the critics' cost (lower: closer to the best)
 * @param noiseVx standard deviation of the forward-velocity noise, m/s
 * @param noiseVy standard deviation of the lateral-velocity noise, m/s (omnidirectional only)
 * @param noiseWz standard deviation of the yaw-rate noise, rad/s
 * @param smoothing whether the updated mean is smoothed (Savitzky-Golay, 5 points, quadratic)
 * @param seed noise seed; with the same seed and inputs the result does not depend on threads
 * @param threads threads for the rollouts (the caller's thread is one of them)
 * @param learnedCandidates how many of the best candidates the learned critic scores (M)
 * @param learnedDeadline how long a cycle waits for the learned critic
 * @param learnedWeight cost per unit of learned risk (0..1) added to a candidate
 */
public record MppiConfig(
        int samples,
        int steps,
        double dt,
        double temperature,
        double noiseVx,
        double noiseVy,
        double noiseWz,
        boolean smoothing,
        long seed,
        int threads,
        int learnedCandidates,
        Duration learnedDeadline,
        double learnedWeight) {
    public MppiConfig {
        if (samples < SeededCandidate.values().length + 2 || samples > 1 << 16) {
            throw new IllegalArgumentException(
                    "MppiConfig.samples must be in ["
                            + (SeededCandidate.values().length + 2)
                            + ", 65536], got "
                            + samples);
        }
        if (steps < 2 || steps > 1024) {
            throw new IllegalArgumentException(
                    "MppiConfig.steps must be in [2, 1024], got " + steps);
        }
        positive("dt", dt);
        positive("temperature", temperature);
        nonNegative("noiseVx", noiseVx);
        nonNegative("noiseVy", noiseVy);
        nonNegative("noiseWz", noiseWz);
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException(
                    "MppiConfig.threads must be in [1, 256], got " + threads);
        }
        if (learnedCandidates < 1 || learnedCandidates > samples) {
            throw new IllegalArgumentException(
                    "MppiConfig.learnedCandidates must be in [1, samples], got "
                            + learnedCandidates);
        }
        if (learnedDeadline == null || learnedDeadline.isNegative()) {
            throw new IllegalArgumentException(
                    "MppiConfig.learnedDeadline must be >= 0, got " + learnedDeadline);
        }
        nonNegative("learnedWeight", learnedWeight);
    }

    private static void positive(String field, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("MppiConfig." + field + " must be > 0, got " + v);
        }
    }

    private static void nonNegative(String field, double v) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException("MppiConfig." + field + " must be >= 0, got " + v);
        }
    }

    /** 4096 x 64 steps of 0.05 s (3.2 s), temperature 0.3, 2 threads, learned critic on 256. */
    public static MppiConfig defaults() {
        return new MppiConfig(
                4096, 64, 0.05, 0.3, 0.3, 0.3, 0.6, true, 1L, 2, 256, Duration.ofMillis(4), 20.0);
    }

    public MppiConfig withSamples(int k, int t) {
        return new MppiConfig(
                k,
                t,
                dt,
                temperature,
                noiseVx,
                noiseVy,
                noiseWz,
                smoothing,
                seed,
                threads,
                Math.min(learnedCandidates, k),
                learnedDeadline,
                learnedWeight);
    }

    public MppiConfig withThreads(int n) {
        return new MppiConfig(
                samples,
                steps,
                dt,
                temperature,
                noiseVx,
                noiseVy,
                noiseWz,
                smoothing,
                seed,
                n,
                learnedCandidates,
                learnedDeadline,
                learnedWeight);
    }

    public MppiConfig withSeed(long s) {
        return new MppiConfig(
                samples,
                steps,
                dt,
                temperature,
                noiseVx,
                noiseVy,
                noiseWz,
                smoothing,
                s,
                threads,
                learnedCandidates,
                learnedDeadline,
                learnedWeight);
    }

    public MppiConfig withLearned(int candidates, Duration deadline, double weight) {
        return new MppiConfig(
                samples,
                steps,
                dt,
                temperature,
                noiseVx,
                noiseVy,
                noiseWz,
                smoothing,
                seed,
                threads,
                candidates,
                deadline,
                weight);
    }
}
