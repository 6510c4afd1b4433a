package dev.edgetwin.planner;

/**
 * Limits a command's speed so that the robot can stop within the floor its sensors have observed
 * ({@link ObservedSpace}), as a safe local planner must: an obstacle no sensor has had a chance to
 * report may stand on unobserved floor, so the robot never drives toward it faster than it can
 * brake within what it has seen. The command is held along its arc (the leading points of the
 * footprint's circles checked every {@value #STEP} m); the first unobserved point ends the free
 * distance {@code d}, and the speed is cut to the largest {@code v} with {@code v * reaction + v^2
 * / (2 * a) <= d - margin}. The turn rate is kept (turning on the spot moves no footprint point
 * forward).
 *
 * <p>Not thread-safe; the planner's control thread calls it.
 */
final class ObservedSpeedLimit {
    static final double STEP = 0.05;

    /** What is kept between the stopped robot and unobserved floor, metres. */
    static final double MARGIN = 0.1;

    /**
     * Time between a command and the next that can brake: the actuator delay and one control period
     * (0.1 s, the daemon's 10 Hz; conservative at faster rates).
     */
    private final double reaction;

    private final RobotConfig robot;

    ObservedSpeedLimit(RobotConfig robot) {
        this.robot = robot;
        this.reaction = robot.actuatorDelay() + 0.1;
    }

    /** The allowed result of a limit: the command, and the free distance ahead (or NaN). */
    record Limited(VelocityCommand command, double freeDistance, boolean limited) {}

    Limited limit(VelocityCommand cmd, Pose pose, ObservedSpace space) {
        double speed = Math.hypot(cmd.vx(), cmd.vy());
        if (space.isEverywhere() || speed < 1e-6) {
            return new Limited(cmd, Double.NaN, false);
        }
        double decel = cmd.vy() != 0 ? Math.min(robot.accVx(), robot.accVy()) : robot.accVx();
        double reach = speed * reaction + speed * speed / (2 * decel) + MARGIN + STEP;
        double free = freeDistance(cmd, pose, space, reach);
        double usable = free - MARGIN;
        double allowed =
                usable <= 0
                        ? 0
                        : decel * (-reaction + Math.sqrt(reaction * reaction + 2 * usable / decel));
        if (allowed >= speed) {
            return new Limited(cmd, free, false);
        }
        double f = allowed / speed;
        return new Limited(new VelocityCommand(cmd.vx() * f, cmd.vy() * f, cmd.wz()), free, true);
    }

    /** How far the footprint can go along the held command's arc on observed floor, up to reach. */
    private double freeDistance(VelocityCommand cmd, Pose pose, ObservedSpace space, double reach) {
        double speed = Math.hypot(cmd.vx(), cmd.vy());
        double x = pose.x();
        double y = pose.y();
        double theta = pose.theta();
        double dt = STEP / speed;
        x += (cmd.vx() * Math.cos(theta) - cmd.vy() * Math.sin(theta)) * dt;
        y += (cmd.vx() * Math.sin(theta) + cmd.vy() * Math.cos(theta)) * dt;
        theta += cmd.wz() * dt;
        // From one step on: the floor under the robot now holds no obstacle.
        for (double s = STEP; s <= reach; s += STEP) {
            double c = Math.cos(theta);
            double sn = Math.sin(theta);
            double ux = (cmd.vx() * c - cmd.vy() * sn) / speed;
            double uy = (cmd.vx() * sn + cmd.vy() * c) / speed;
            for (RobotConfig.Circle f : robot.footprint()) {
                double cx = x + f.x() * c - f.y() * sn;
                double cy = y + f.x() * sn + f.y() * c;
                double r = f.radius();
                // The leading half of the circle: what its sides sweep is floor it stands beside.
                if (!space.observed(cx + r * ux, cy + r * uy)
                        || !space.observed(cx + r * 0.7071 * (ux - uy), cy + r * 0.7071 * (uy + ux))
                        || !space.observed(
                                cx + r * 0.7071 * (ux + uy), cy + r * 0.7071 * (uy - ux))) {
                    // The edge lies somewhere after the last step that passed.
                    return s - STEP;
                }
            }
            x += (cmd.vx() * c - cmd.vy() * sn) * dt;
            y += (cmd.vx() * sn + cmd.vy() * c) * dt;
            theta += cmd.wz() * dt;
        }
        return reach;
    }
}
