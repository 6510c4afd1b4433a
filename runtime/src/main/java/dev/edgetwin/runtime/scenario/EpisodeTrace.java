package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.Route;
import dev.edgetwin.planner.Trajectory;
import dev.edgetwin.sim.ObjectClass;
import java.util.ArrayList;
import java.util.List;

/**
 * What an episode looked like, for {@link EpisodeImage}: the robot's and the objects' true
 * positions every control cycle, the routes it used, and the trajectories the planner chose. Filled
 * by one episode's thread.
 */
final class EpisodeTrace {
    /** One object's true footprint at one instant. */
    record ObjectSample(int id, ObjectClass objectClass, double x, double y, double radius) {}

    /** One planner cycle: where the robot was, its route, and the chosen trajectory. */
    record CycleSample(
            double t,
            double x,
            double y,
            double yaw,
            Route route,
            Trajectory chosen,
            boolean stop) {}

    final List<CycleSample> cycles = new ArrayList<>();
    final List<List<ObjectSample>> objects = new ArrayList<>();

    /** The obstacles the planner was given at each cycle: x, y, radius, 1 for a person, in turn. */
    final List<double[]> tracksPerCycle = new ArrayList<>();

    int keyCycle = -1;
}
