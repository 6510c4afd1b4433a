package dev.edgetwin.planner;

import java.util.List;

/**
 * The robot as the planner sees it: how it drives, its footprint as circles in its own frame (x
 * forward, y left), velocity and acceleration limits, and the delay between a command and the
 * motors acting on it. Checked when built.
 *
 * @param drive differential (no lateral velocity) or omnidirectional
 * @param footprint circles covering the robot, at least one
 * @param maxVx forward speed limit, m/s (> 0)
 * @param minVx reverse limit, m/s (<= 0)
 * @param maxVy lateral speed limit, m/s (0 for a differential drive)
 * @param maxWz yaw-rate limit, rad/s (> 0)
 * @param accVx forward acceleration limit, m/s^2 (> 0)
 * @param accVy lateral acceleration limit, m/s^2 (> 0 for an omnidirectional drive)
 * @param accWz yaw acceleration limit, rad/s^2 (> 0)
 * @param actuatorDelay seconds until a command takes effect (>= 0); until then the robot keeps its
 *     current velocity
 */
public record RobotConfig(
        Drive drive,
        List<Circle> footprint,
        double maxVx,
        double minVx,
        double maxVy,
        double maxWz,
        double accVx,
        double accVy,
        double accWz,
        double actuatorDelay) {

    public enum Drive {
        DIFFERENTIAL,
        OMNIDIRECTIONAL
    }

    /** A circle of the footprint, centre in the robot's frame, metres. */
    public record Circle(double x, double y, double radius) {
        public Circle {
            if (!Double.isFinite(x)
                    || !Double.isFinite(y)
                    || !(radius > 0)
                    || !Double.isFinite(radius)) {
                throw new IllegalArgumentException(
                        "footprint circle needs a finite centre and radius > 0, got ("
                                + x
                                + ", "
                                + y
                                + ", r="
                                + radius
                                + ")");
            }
        }
    }

    public RobotConfig {
        if (drive == null) {
            throw new IllegalArgumentException("drive is required");
        }
        if (footprint == null || footprint.isEmpty()) {
            throw new IllegalArgumentException("footprint needs at least one circle");
        }
        footprint = List.copyOf(footprint);
        check("maxVx", maxVx, maxVx > 0);
        check("minVx", minVx, minVx <= 0);
        check("maxWz", maxWz, maxWz > 0);
        check("accVx", accVx, accVx > 0);
        check("accWz", accWz, accWz > 0);
        check("actuatorDelay", actuatorDelay, actuatorDelay >= 0 && actuatorDelay < 5);
        if (drive == Drive.DIFFERENTIAL) {
            check("maxVy", maxVy, maxVy == 0);
        } else {
            check("maxVy", maxVy, maxVy >= 0);
            check("accVy", accVy, accVy > 0);
        }
        check("accVy", accVy, accVy >= 0);
    }

    private static void check(String field, double value, boolean ok) {
        if (!ok || !Double.isFinite(value)) {
            throw new IllegalArgumentException("RobotConfig." + field + ": bad value " + value);
        }
    }

    /** A differential-drive robot with one circular footprint, no actuator delay. */
    public static RobotConfig differential(
            double radius, double maxVx, double minVx, double maxWz, double accVx, double accWz) {
        return new RobotConfig(
                Drive.DIFFERENTIAL,
                List.of(new Circle(0, 0, radius)),
                maxVx,
                minVx,
                0,
                maxWz,
                accVx,
                0,
                accWz,
                0);
    }

    /** The factory robot used in the docs and tests: 0.35 m disc, 1 m/s, 0.05 s delay. */
    public static RobotConfig defaults() {
        return new RobotConfig(
                Drive.DIFFERENTIAL,
                List.of(new Circle(0.1, 0, 0.3), new Circle(-0.1, 0, 0.3)),
                1.0,
                -0.3,
                0,
                1.5,
                1.0,
                0,
                2.5,
                0.05);
    }

    public RobotConfig withDelay(double seconds) {
        return new RobotConfig(
                drive, footprint, maxVx, minVx, maxVy, maxWz, accVx, accVy, accWz, seconds);
    }

    /** The radius of a circle around the robot's origin that holds every footprint circle. */
    public double boundingRadius() {
        double r = 0;
        for (Circle c : footprint) {
            r = Math.max(r, Math.hypot(c.x, c.y) + c.radius);
        }
        return r;
    }
}
