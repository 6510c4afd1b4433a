package dev.edgetwin.planner;

import java.util.List;

/**
 * The last check before a command leaves the planner, independent of the optimiser: it holds the
 * command for a short horizon, rolls it out through the motion model from the robot's current
 * state, and replaces it by a stop when the rollout touches a static obstacle or a tracked object
 * (constant-velocity prediction), or brings any footprint circle within the protective margin of a
 * person; a world snapshot older than the allowed age also means stop. A stop itself always passes:
 * braking is the fallback, there is nothing safer to replace it with.
 *
 * <p>Stateless apart from its configuration; safe to use from one thread per instance.
 */
public final class SafetyLayer {
    private final StaticMap map;
    private final RobotConfig robot;
    private final SafetyConfig cfg;
    private final MotionModel model;
    private final int steps;
    private final double dt;
    private final float[] cmdVx;
    private final float[] cmdVy;
    private final float[] cmdWz;
    private final float[] x;
    private final float[] y;
    private final float[] c;
    private final float[] s;
    private final float[] v;

    public SafetyLayer(StaticMap map, RobotConfig robot, SafetyConfig cfg) {
        this.map = map;
        this.robot = robot;
        this.cfg = cfg;
        this.model = new MotionModel(robot);
        this.dt = cfg.step().toNanos() / 1e9;
        this.steps = (int) Math.ceil(cfg.horizon().toNanos() / (double) cfg.step().toNanos());
        cmdVx = new float[steps];
        cmdVy = new float[steps];
        cmdWz = new float[steps];
        x = new float[steps];
        y = new float[steps];
        c = new float[steps];
        s = new float[steps];
        v = new float[steps];
    }

    public SafetyConfig config() {
        return cfg;
    }

    /**
     * Checks a proposed command.
     *
     * @param nowNanos the planner clock now, in the same time base as the snapshot's time
     */
    public SafetyVerdict check(
            VelocityCommand proposed, RobotState state, WorldSnapshot world, long nowNanos) {
        long age = nowNanos - world.timeNanos();
        if (age > cfg.maxSnapshotAge().toNanos()) {
            return new SafetyVerdict(
                    VelocityCommand.STOP,
                    SafetyVerdict.Outcome.STOP_STALE_SNAPSHOT,
                    String.format(
                            "world snapshot is %.0f ms old (limit %d ms)",
                            age / 1e6, cfg.maxSnapshotAge().toMillis()));
        }
        if (proposed.isStop()) {
            return new SafetyVerdict(proposed, SafetyVerdict.Outcome.PASSED, "stop");
        }
        float pvx = (float) model.clampVx(proposed.vx());
        float pvy = (float) model.clampVy(proposed.vy());
        float pwz = (float) model.clampWz(proposed.wz());
        for (int t = 0; t < steps; t++) {
            cmdVx[t] = pvx;
            cmdVy[t] = pvy;
            cmdWz[t] = pwz;
        }
        Pose p = state.pose();
        VelocityCommand vel = state.velocity();
        model.rollout(
                p.x(),
                p.y(),
                p.theta(),
                vel.vx(),
                vel.vy(),
                vel.wz(),
                cmdVx,
                cmdVy,
                cmdWz,
                0,
                steps,
                dt,
                model.delaySteps(dt),
                x,
                y,
                c,
                s,
                v,
                0);
        double ageSeconds = Math.max(0, age / 1e9);
        List<Track> tracks = world.tracks();
        for (int t = 0; t < steps; t++) {
            double tau = ageSeconds + (t + 1) * dt;
            for (RobotConfig.Circle f : robot.footprint()) {
                double cx = x[t] + f.x() * c[t] - f.y() * s[t];
                double cy = y[t] + f.x() * s[t] + f.y() * c[t];
                if (map.clearanceAt(cx, cy) < f.radius()) {
                    return stop(
                            SafetyVerdict.Outcome.STOP_COLLISION,
                            String.format(
                                    "static obstacle within %.2f s at (%.2f, %.2f)",
                                    (t + 1) * dt, cx, cy));
                }
                for (Track tr : tracks) {
                    double ox = tr.x() + tr.vx() * tau;
                    double oy = tr.y() + tr.vy() * tau;
                    double gap = Math.hypot(cx - ox, cy - oy) - f.radius() - tr.radius();
                    if (gap < 0) {
                        return stop(
                                SafetyVerdict.Outcome.STOP_COLLISION,
                                String.format(
                                        "would hit %s %s within %.2f s",
                                        tr.kind(), tr.id(), (t + 1) * dt));
                    }
                    if (tr.kind().isPerson() && gap < cfg.personProtectiveMargin()) {
                        return stop(
                                SafetyVerdict.Outcome.STOP_PERSON_ZONE,
                                String.format(
                                        "would enter person %s's protective zone (%.2f m < %.2f m)"
                                                + " within %.2f s",
                                        tr.id(), gap, cfg.personProtectiveMargin(), (t + 1) * dt));
                    }
                }
            }
        }
        return new SafetyVerdict(
                proposed,
                SafetyVerdict.Outcome.PASSED,
                "clear for " + cfg.horizon().toMillis() + " ms");
    }

    private static SafetyVerdict stop(SafetyVerdict.Outcome outcome, String reason) {
        return new SafetyVerdict(VelocityCommand.STOP, outcome, reason);
    }
}
