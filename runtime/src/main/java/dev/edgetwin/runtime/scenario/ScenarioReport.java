package dev.edgetwin.runtime.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Every episode of a {@link ScenarioRunner} run and, per scenario, the figures the issue asks for.
 *
 * @param episodes in scenario order, then seed order
 * @param protectiveMargin the safety layer's protective gap to people, metres: the people-distance
 *     goal
 */
public record ScenarioReport(List<EpisodeResult> episodes, double protectiveMargin) {

    public ScenarioReport {
        episodes = List.copyOf(Objects.requireNonNull(episodes, "episodes"));
    }

    /**
     * One scenario's figures.
     *
     * @param episodes how many episodes ran
     * @param successes how many succeeded
     * @param collisions how many episodes had a collision
     * @param minPersonGap the smallest robot-person gap over all episodes, metres (infinite when
     *     the scenario has no person)
     * @param belowMargin episodes whose person gap fell below the protective margin
     * @param reactions how many episodes measured a reaction time
     * @param reactionP50 median reaction time, seconds (NaN when none)
     * @param reactionP95 95th percentile (nearest rank), seconds (NaN when none)
     * @param failures the seeds that did not succeed, with their outcome
     */
    public record ScenarioFigures(
            PlannerScenario scenario,
            int episodes,
            int successes,
            int collisions,
            double minPersonGap,
            int belowMargin,
            int reactions,
            double reactionP50,
            double reactionP95,
            List<String> failures) {

        public double successRate() {
            return episodes == 0 ? Double.NaN : (double) successes / episodes;
        }
    }

    /** The figures of each scenario that ran, in {@link PlannerScenario} order. */
    public List<ScenarioFigures> figures() {
        List<ScenarioFigures> out = new ArrayList<>();
        for (PlannerScenario scenario : PlannerScenario.values()) {
            List<EpisodeResult> mine =
                    episodes.stream().filter(e -> e.scenario() == scenario).toList();
            if (mine.isEmpty()) {
                continue;
            }
            int successes = 0;
            int collisions = 0;
            int below = 0;
            double minGap = Double.POSITIVE_INFINITY;
            List<Double> reactions = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            for (EpisodeResult e : mine) {
                successes += e.success() ? 1 : 0;
                collisions += e.collided() ? 1 : 0;
                below += e.minPersonGap() < protectiveMargin ? 1 : 0;
                minGap = Math.min(minGap, e.minPersonGap());
                if (!Double.isNaN(e.reactionSeconds())) {
                    reactions.add(e.reactionSeconds());
                }
                if (!e.success()) {
                    failures.add("seed " + e.seed() + ": " + e.outcome());
                }
            }
            double[] r = reactions.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.add(
                    new ScenarioFigures(
                            scenario,
                            mine.size(),
                            successes,
                            collisions,
                            minGap,
                            below,
                            r.length,
                            nearestRank(r, 0.50),
                            nearestRank(r, 0.95),
                            failures));
        }
        return out;
    }

    /** The nearest-rank quantile of sorted values, NaN when there are none. */
    static double nearestRank(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** A fixed-width table, one line per scenario. */
    public String table() {
        StringBuilder b = new StringBuilder();
        b.append(
                String.format(
                        "%-26s %8s %8s %10s %14s %8s %10s %10s%n",
                        "scenario",
                        "episodes",
                        "success",
                        "collisions",
                        "min person gap",
                        "< margin",
                        "react p50",
                        "react p95"));
        for (ScenarioFigures f : figures()) {
            b.append(
                    String.format(
                            "%-26s %8d %7.1f%% %10d %14s %8d %10s %10s%n",
                            f.scenario().label(),
                            f.episodes(),
                            100 * f.successRate(),
                            f.collisions(),
                            Double.isInfinite(f.minPersonGap())
                                    ? "-"
                                    : String.format("%.2f m", f.minPersonGap()),
                            f.belowMargin(),
                            seconds(f.reactionP50()),
                            seconds(f.reactionP95())));
        }
        return b.toString();
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format("%.2f s", s);
    }

    @Override
    public String toString() {
        return "ScenarioReport[" + episodes.size() + " episodes]";
    }
}
