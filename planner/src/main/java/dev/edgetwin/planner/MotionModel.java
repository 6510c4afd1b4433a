package dev.edgetwin.planner;

/**
 * How the robot moves: commands are clamped to the velocity limits, the actual velocity follows the
 * command delayed by the actuator delay and limited by the accelerations, and the pose is
 * integrated with explicit Euler steps (the heading at the start of a step is used for the whole
 * step). For a differential drive the lateral velocity is always 0.
 *
 * <p>The batch {@link #rollout} is the optimiser's hot loop: it allocates nothing and keeps the
 * heading's sine and cosine by rotating them with a short Taylor series of the per-step turn (|w
 * dt| is small), not with {@code Math.sin}/{@code cos} per step.
 */
public final class MotionModel {
    private final RobotConfig robot;
    private final boolean omni;

    public MotionModel(RobotConfig robot) {
        this.robot = robot;
        this.omni = robot.drive() == RobotConfig.Drive.OMNIDIRECTIONAL;
    }

    public RobotConfig robot() {
        return robot;
    }

    /** Steps of {@code dt} the actuator delay covers (rounded). */
    public int delaySteps(double dt) {
        return (int) Math.round(robot.actuatorDelay() / dt);
    }

    public double clampVx(double v) {
        return Math.max(robot.minVx(), Math.min(robot.maxVx(), v));
    }

    public double clampVy(double v) {
        return omni ? Math.max(-robot.maxVy(), Math.min(robot.maxVy(), v)) : 0.0;
    }

    public double clampWz(double v) {
        return Math.max(-robot.maxWz(), Math.min(robot.maxWz(), v));
    }

    /**
     * One step of {@code dt} with the command taking effect now (no delay): the velocity moves
     * toward the clamped command within the acceleration limits, then the pose moves.
     */
    public RobotState step(RobotState s, VelocityCommand command, double dt) {
        VelocityCommand v = s.velocity();
        double vx = approach(v.vx(), clampVx(command.vx()), robot.accVx() * dt);
        double vy = omni ? approach(v.vy(), clampVy(command.vy()), robot.accVy() * dt) : 0.0;
        double wz = approach(v.wz(), clampWz(command.wz()), robot.accWz() * dt);
        Pose p = s.pose();
        double c = Math.cos(p.theta());
        double sn = Math.sin(p.theta());
        Pose next =
                new Pose(
                        p.x() + (vx * c - vy * sn) * dt,
                        p.y() + (vx * sn + vy * c) * dt,
                        p.theta() + wz * dt);
        return new RobotState(next, new VelocityCommand(vx, vy, wz));
    }

    private static double approach(double from, double to, double maxDelta) {
        double d = to - from;
        if (d > maxDelta) {
            d = maxDelta;
        } else if (d < -maxDelta) {
            d = -maxDelta;
        }
        return from + d;
    }

    /**
     * Rolls out {@code steps} commands from a start state. Command t (at {@code cmdOffset + t})
     * takes effect at step t + {@link #delaySteps}; before that the start velocity is held. Writes
     * the state after each step (time (t + 1) dt) at {@code outOffset + t}: position, the heading's
     * cosine and sine, and the actual forward speed. Commands are assumed already within the
     * velocity limits.
     */
    public void rollout(
            double x0,
            double y0,
            double theta0,
            double vx0,
            double vy0,
            double wz0,
            float[] cmdVx,
            float[] cmdVy,
            float[] cmdWz,
            int cmdOffset,
            int steps,
            double dt,
            int delaySteps,
            float[] outX,
            float[] outY,
            float[] outCos,
            float[] outSin,
            float[] outSpeed,
            int outOffset) {
        double ax = robot.accVx() * dt;
        double ay = robot.accVy() * dt;
        double aw = robot.accWz() * dt;
        // Three short passes instead of one long dependency chain per step (the CPU overlaps the
        // independent work within a pass): velocities, then heading, then position. outSin and
        // outY hold the yaw rate and lateral velocity between passes.
        double vx = vx0;
        double vy = omni ? vy0 : 0.0;
        double wz = wz0;
        for (int t = 0; t < steps; t++) {
            int ci = t - delaySteps;
            double tx;
            double ty;
            double tw;
            if (ci < 0) {
                tx = vx0;
                ty = vy0;
                tw = wz0;
            } else {
                int i = cmdOffset + ci;
                tx = cmdVx[i];
                ty = cmdVy[i];
                tw = cmdWz[i];
            }
            // Math.min/max are branch-free intrinsics; with noisy commands a branch would
            // mispredict.
            vx += Math.max(-ax, Math.min(ax, tx - vx));
            if (omni) {
                vy += Math.max(-ay, Math.min(ay, ty - vy));
            }
            wz += Math.max(-aw, Math.min(aw, tw - wz));
            int o = outOffset + t;
            outSpeed[o] = (float) vx;
            outY[o] = (float) vy;
            outSin[o] = (float) wz;
        }
        double c = Math.cos(theta0);
        double s = Math.sin(theta0);
        for (int t = 0; t < steps; t++) {
            int o = outOffset + t;
            double a = outSin[o] * dt;
            double a2 = a * a;
            double ca = 1.0 - a2 * (0.5 - a2 * (1.0 / 24.0 - a2 * (1.0 / 720.0)));
            double sa = a * (1.0 - a2 * (1.0 / 6.0 - a2 * (1.0 / 120.0 - a2 * (1.0 / 5040.0))));
            double nc = c * ca - s * sa;
            s = s * ca + c * sa;
            c = nc;
            outCos[o] = (float) c;
            outSin[o] = (float) s;
        }
        double x = x0;
        double y = y0;
        double pc = Math.cos(theta0);
        double ps = Math.sin(theta0);
        for (int t = 0; t < steps; t++) {
            int o = outOffset + t;
            double v = outSpeed[o];
            double l = outY[o];
            x += (v * pc - l * ps) * dt;
            y += (v * ps + l * pc) * dt;
            outX[o] = (float) x;
            outY[o] = (float) y;
            pc = outCos[o];
            ps = outSin[o];
        }
    }
}
