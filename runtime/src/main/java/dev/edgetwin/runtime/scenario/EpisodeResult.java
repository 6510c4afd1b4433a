package dev.edgetwin.runtime.scenario;

import java.util.Objects;

/**
 * What one closed-loop episode measured.
 *
 * @param scenario which scenario
 * @param seed its seed
 * @param success goal reached (or, where the goal cannot be reached, stopped before the obstacles
 *     with the planner saying the route is blocked) without a collision, in time
 * @param collided whether the robot's footprint touched a shelf, a wall or an object
 * @param outcome what ended the episode, in words
 * @param minPersonGap the smallest gap between the robot's footprint and a person, metres (infinite
 *     when the episode has none)
 * @param minObjectGap the smallest gap to a box or another robot, metres (infinite when none)
 * @param reactionSeconds from the first frame in which the falling box shows to the first planner
 *     command that differs from the episode without the fall; NaN when the scenario has no such box
 *     or the commands never differed
 * @param seconds scene time the episode took
 * @param frames camera frames rendered and run through perception
 * @param cycles planner cycles
 * @param safetyStops cycles in which the safety layer replaced the command by a stop
 */
public record EpisodeResult(
        PlannerScenario scenario,
        long seed,
        boolean success,
        boolean collided,
        String outcome,
        double minPersonGap,
        double minObjectGap,
        double reactionSeconds,
        double seconds,
        int frames,
        int cycles,
        int safetyStops) {

    public EpisodeResult {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(outcome, "outcome");
    }
}
