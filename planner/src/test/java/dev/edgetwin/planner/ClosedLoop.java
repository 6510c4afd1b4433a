package dev.edgetwin.planner;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A closed loop for the tests: the planner on a fake clock, the robot moved by the motion model
 * (with its actuator delay as a command queue), obstacles at constant velocity. Records the
 * smallest gaps.
 */
final class ClosedLoop {
    final StaticMap map;
    final RobotConfig robot;
    final Planner planner;
    final MotionModel model;
    final double dt;
    long nowNanos;
    RobotState state;
    final List<Track> initial;
    double minStaticGap = Double.POSITIVE_INFINITY;
    double minObjectGap = Double.POSITIVE_INFINITY;
    double minPersonGap = Double.POSITIVE_INFINITY;
    int stops;
    int safetyStops;
    final List<CycleResult> results = new ArrayList<>();
    private final ArrayDeque<VelocityCommand> inFlight = new ArrayDeque<>();

    ClosedLoop(
            StaticMap map,
            RobotConfig robot,
            PlannerConfig cfg,
            RobotState start,
            List<Track> tracks,
            BatchCritic critic) {
        this.map = map;
        this.robot = robot;
        this.planner = new Planner(map, robot, cfg, () -> nowNanos, critic);
        this.model = new MotionModel(robot);
        this.dt = cfg.mppi().dt();
        this.state = start;
        this.initial = List.copyOf(tracks);
        int delay = model.delaySteps(dt);
        for (int i = 0; i < delay; i++) {
            inFlight.add(start.velocity());
        }
    }

    List<Track> tracksAt(double t) {
        List<Track> out = new ArrayList<>();
        for (Track tr : initial) {
            out.add(
                    new Track(
                            tr.id(),
                            tr.kind(),
                            tr.x() + tr.vx() * t,
                            tr.y() + tr.vy() * t,
                            tr.vx(),
                            tr.vy(),
                            tr.radius(),
                            tr.covXX(),
                            tr.covXY(),
                            tr.covYY()));
        }
        return out;
    }

    /** Runs cycles until the goal is within {@code tolerance} or {@code cycles} have passed. */
    void run(Pose goal, int cycles, double tolerance) {
        for (int i = 0; i < cycles; i++) {
            double t = nowNanos / 1e9;
            WorldSnapshot world = new WorldSnapshot(nowNanos, tracksAt(t));
            CycleResult r = planner.cycle(world, state, goal);
            results.add(r);
            if (r.command().isStop()) {
                stops++;
            }
            if (r.safety().stopped()) {
                safetyStops++;
            }
            inFlight.add(r.command());
            VelocityCommand applied = inFlight.poll();
            state = model.step(state, applied, dt);
            nowNanos += Math.round(dt * 1e9);
            record(tracksAt(nowNanos / 1e9));
            if (state.pose().distanceTo(goal) < tolerance) {
                return;
            }
        }
    }

    private void record(List<Track> tracks) {
        minStaticGap = Math.min(minStaticGap, Worlds.staticGap(map, robot, state.pose()));
        for (Track tr : tracks) {
            double g = Worlds.discGap(robot, state.pose(), tr.x(), tr.y(), tr.radius());
            if (tr.kind().isPerson()) {
                minPersonGap = Math.min(minPersonGap, g);
            } else {
                minObjectGap = Math.min(minObjectGap, g);
            }
        }
    }
}
