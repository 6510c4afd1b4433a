package dev.edgetwin.planner;

/**
 * A velocity command in the robot's frame: forward {@code vx} and lateral {@code vy} (m/s, vy is 0
 * for a differential drive) and yaw rate {@code wz} (rad/s).
 */
public record VelocityCommand(double vx, double vy, double wz) {
    public static final VelocityCommand STOP = new VelocityCommand(0, 0, 0);

    public VelocityCommand {
        if (!Double.isFinite(vx) || !Double.isFinite(vy) || !Double.isFinite(wz)) {
            throw new IllegalArgumentException(
                    "command must be finite, got (" + vx + ", " + vy + ", " + wz + ")");
        }
    }

    public boolean isStop() {
        return vx == 0 && vy == 0 && wz == 0;
    }
}
