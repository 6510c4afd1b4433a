package dev.edgetwin.planner;

/**
 * Everything the {@link Planner} needs besides the map and the robot.
 *
 * @param routeInflation extra clearance (beyond the robot's bounding radius) routes keep, metres
 * @param routeLookahead how far ahead a route is checked for blocking objects, metres
 */
public record PlannerConfig(
        MppiConfig mppi,
        CriticWeights weights,
        ObstacleConfig obstacles,
        SafetyConfig safety,
        double routeInflation,
        double routeLookahead) {
    public PlannerConfig {
        if (mppi == null || weights == null || obstacles == null || safety == null) {
            throw new IllegalArgumentException("PlannerConfig: every part is required");
        }
        if (!(routeInflation >= 0) || !Double.isFinite(routeInflation)) {
            throw new IllegalArgumentException(
                    "PlannerConfig.routeInflation must be >= 0, got " + routeInflation);
        }
        if (!(routeLookahead > 0) || !Double.isFinite(routeLookahead)) {
            throw new IllegalArgumentException(
                    "PlannerConfig.routeLookahead must be > 0, got " + routeLookahead);
        }
    }

    public static PlannerConfig defaults() {
        return new PlannerConfig(
                MppiConfig.defaults(),
                CriticWeights.defaults(),
                ObstacleConfig.defaults(),
                SafetyConfig.defaults(),
                0.1,
                5.0);
    }

    public PlannerConfig withMppi(MppiConfig m) {
        return new PlannerConfig(m, weights, obstacles, safety, routeInflation, routeLookahead);
    }

    public PlannerConfig withSafety(SafetyConfig s) {
        return new PlannerConfig(mppi, weights, obstacles, s, routeInflation, routeLookahead);
    }
}
