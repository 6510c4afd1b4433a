package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.Pose;
import dev.edgetwin.sim.ScriptedObject;
import dev.edgetwin.sim.Shelf;
import dev.edgetwin.vision.RobotPose;
import java.util.List;
import java.util.Objects;

/**
 * One randomised episode of a {@link PlannerScenario}: where the robot starts and goes, what else
 * is in the hall and how it moves. Validated when built.
 *
 * @param scenario which scenario
 * @param seed the seed it was drawn from
 * @param start the robot's pose at scene time 0 (factory frame)
 * @param goal where it is sent
 * @param extraShelves static blocks added to the demo hall (they are in the planner's map)
 * @param objects everything that moves or can be moved, ids in list order
 * @param boxId the id of the box whose fall the reaction time is measured from, or -1
 * @param withoutFall {@code objects} with that box left where it was (the counterfactual the
 *     reaction time compares commands with); equal to {@code objects} when there is no such box
 * @param expectStop whether the right outcome is to stop and report (the goal cannot be reached)
 * @param stopBeforeX for {@code expectStop}: the robot's centre must stay before this x
 * @param timeLimitSeconds scene time the episode may take
 */
public record EpisodeSetup(
        PlannerScenario scenario,
        long seed,
        RobotPose start,
        Pose goal,
        List<Shelf> extraShelves,
        List<ScriptedObject> objects,
        int boxId,
        List<ScriptedObject> withoutFall,
        boolean expectStop,
        double stopBeforeX,
        double timeLimitSeconds) {

    public EpisodeSetup {
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(goal, "goal");
        extraShelves = List.copyOf(extraShelves);
        objects = List.copyOf(objects);
        withoutFall = List.copyOf(withoutFall);
        if (boxId < -1 || boxId >= objects.size()) {
            throw new IllegalArgumentException(
                    "boxId must be -1 or an object id below " + objects.size() + ", got " + boxId);
        }
        if (withoutFall.size() != objects.size()) {
            throw new IllegalArgumentException(
                    "withoutFall must list as many objects as objects, got "
                            + withoutFall.size()
                            + " and "
                            + objects.size());
        }
        if (!(timeLimitSeconds > 0 && timeLimitSeconds <= 600)) {
            throw new IllegalArgumentException(
                    "timeLimitSeconds must be in (0, 600], got " + timeLimitSeconds);
        }
    }

    @Override
    public String toString() {
        return "EpisodeSetup["
                + scenario
                + " seed "
                + seed
                + ", "
                + objects.size()
                + " objects, goal ("
                + goal.x()
                + ", "
                + goal.y()
                + ")]";
    }
}
