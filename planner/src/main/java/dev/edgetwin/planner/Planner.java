package dev.edgetwin.planner;

import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.tinylog.Logger;

/**
 * World snapshot + goal -> route (A*, re-planned when blocked) -> MPPI over sampled futures ->
 * safety layer -> velocity command, once per control cycle.
 *
 * <p>Threads: {@link #cycle} is called by one control thread; the planner uses its own fixed pool
 * for the rollouts ({@link MppiConfig#threads()}) and one thread for the learned critic. The
 * learned critic passed in stays owned by the caller (close it after the planner). Time comes from
 * the injected clock (nanoseconds, the same base as {@link WorldSnapshot#timeNanos()}).
 */
public final class Planner implements AutoCloseable {
    private final StaticMap map;
    private final RobotConfig robot;
    private final PlannerConfig config;
    private final LongSupplier clock;
    private final RoutePlanner routes;
    private final MppiOptimizer optimizer;
    private final SafetyLayer safety;
    private final ObservedSpeedLimit observedLimit;
    private Route route;
    private Pose goal;
    private boolean closed;
    private boolean blockedReported;

    /**
     * How the reason of a cycle that stops because stationary objects close every route begins; the
     * objects' ids follow.
     */
    public static final String BLOCKED_REASON = "every route to the goal is blocked by objects ";

    /**
     * @param learnedCritic may be null (analytic critics only)
     */
    public Planner(
            StaticMap map,
            RobotConfig robot,
            PlannerConfig config,
            LongSupplier nanoClock,
            BatchCritic learnedCritic) {
        this.map = map;
        this.robot = robot;
        this.config = config;
        this.clock = nanoClock;
        this.routes =
                new RoutePlanner(
                        map,
                        robot.boundingRadius() + config.routeInflation(),
                        0.2,
                        config.routeLookahead());
        this.optimizer =
                new MppiOptimizer(
                        map,
                        robot,
                        config.mppi(),
                        config.weights(),
                        config.obstacles(),
                        learnedCritic);
        this.safety = new SafetyLayer(map, robot, config.safety());
        this.observedLimit = new ObservedSpeedLimit(robot);
    }

    public StaticMap map() {
        return map;
    }

    public RobotConfig robot() {
        return robot;
    }

    public RoutePlanner routes() {
        return routes;
    }

    public SafetyLayer safety() {
        return safety;
    }

    /** How many cycles ended with this learned-critic outcome. */
    long learnedCount(LearnedCriticStatus status) {
        return optimizer.learnedCount(status);
    }

    /** One control cycle toward {@code goal} (its heading is not used). */
    public CycleResult cycle(WorldSnapshot world, RobotState state, Pose goal) {
        if (closed) {
            throw new IllegalStateException("planner is closed");
        }
        long now = clock.getAsLong();
        Pose pose = state.pose();
        boolean replan =
                route == null
                        || !goal.equals(this.goal)
                        || routes.blocked(route, world, pose.x(), pose.y());
        if (replan) {
            Optional<Route> r = routes.plan(pose, goal, world);
            if (r.isEmpty()) {
                Optional<Route> open = routes.plan(pose, goal);
                if (open.isPresent()) {
                    // The map has a way but stationary objects close every one of them (a
                    // fallen pallet across the aisle): wait and say so, rather than drive up to
                    // them. Re-planned every cycle, so the robot goes on once they are cleared.
                    String ids = idsOf(routes.stationaryObjects(world));
                    if (!blockedReported) {
                        Logger.info("Every route from {} to {} is blocked by {}", pose, goal, ids);
                        blockedReported = true;
                    }
                    route = null;
                    this.goal = goal;
                    SafetyVerdict v = safety.check(VelocityCommand.STOP, state, world, now);
                    return new CycleResult(
                            VelocityCommand.STOP,
                            Optional.empty(),
                            v,
                            Optional.empty(),
                            BLOCKED_REASON + ids + "; stop and wait");
                }
                r = open;
            }
            blockedReported = false;
            if (r.isEmpty()) {
                if (route != null || this.goal == null || !goal.equals(this.goal)) {
                    Logger.info("No route from {} to {}", pose, goal);
                }
                route = null;
                this.goal = goal;
                SafetyVerdict v = safety.check(VelocityCommand.STOP, state, world, now);
                return new CycleResult(
                        VelocityCommand.STOP,
                        Optional.empty(),
                        v,
                        Optional.empty(),
                        "no route to the goal; stop");
            }
            route = r.get();
            this.goal = goal;
        }
        optimizer.setRoute(route);
        PlanSummary plan = optimizer.optimize(state, world, now);
        // Before the safety layer, which checks the command that will actually be sent.
        ObservedSpeedLimit.Limited limited =
                observedLimit.limit(plan.command(), pose, world.observed());
        SafetyVerdict verdict = safety.check(limited.command(), state, world, now);
        String reason =
                verdict.stopped()
                        ? "safety: " + verdict.reason()
                        : limited.limited()
                                ? String.format(
                                        "%s; speed limited to %.2f m/s: unobserved floor %.2f m"
                                                + " ahead",
                                        plan.reason(),
                                        Math.hypot(limited.command().vx(), limited.command().vy()),
                                        limited.freeDistance())
                                : plan.reason();
        return new CycleResult(
                verdict.command(), Optional.of(plan), verdict, Optional.of(route), reason);
    }

    private static String idsOf(List<Track> tracks) {
        StringBuilder b = new StringBuilder("[");
        for (Track t : tracks) {
            b.append(b.length() > 1 ? ", " : "").append(t.id());
        }
        return b.append(']').toString();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            optimizer.close();
        }
    }
}
