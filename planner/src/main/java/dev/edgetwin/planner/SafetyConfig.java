package dev.edgetwin.planner;

import java.time.Duration;

/**
 * The safety layer's limits.
 *
 * @param horizon how far ahead a command is rolled out (held constant)
 * @param step the rollout's step
 * @param personProtectiveMargin gap between the footprint and a person that no command may plan to
 *     enter within the horizon, metres
 * @param maxSnapshotAge a world snapshot older than this means stop
 */
public record SafetyConfig(
        Duration horizon, Duration step, double personProtectiveMargin, Duration maxSnapshotAge) {
    public SafetyConfig {
        if (horizon == null || step == null || maxSnapshotAge == null) {
            throw new IllegalArgumentException("SafetyConfig: durations are required");
        }
        if (horizon.isNegative()
                || horizon.isZero()
                || step.isNegative()
                || step.isZero()
                || step.compareTo(horizon) > 0) {
            throw new IllegalArgumentException(
                    "SafetyConfig: need 0 < step <= horizon, got step "
                            + step
                            + ", horizon "
                            + horizon);
        }
        if (!(personProtectiveMargin >= 0) || !Double.isFinite(personProtectiveMargin)) {
            throw new IllegalArgumentException(
                    "SafetyConfig.personProtectiveMargin must be >= 0, got "
                            + personProtectiveMargin);
        }
        if (maxSnapshotAge.isNegative()) {
            throw new IllegalArgumentException(
                    "SafetyConfig.maxSnapshotAge must be >= 0, got " + maxSnapshotAge);
        }
    }

    /**
     * 1 s horizon in 0.05 s steps, 0.25 m protective gap to people, snapshots at most 200 ms old.
     */
    public static SafetyConfig defaults() {
        return new SafetyConfig(
                Duration.ofSeconds(1), Duration.ofMillis(50), 0.25, Duration.ofMillis(200));
    }
}
