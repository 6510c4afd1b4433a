package dev.edgetwin.vision;

/**
 * The robot base's pose on the factory floor: position in metres and heading in radians
 * (counter-clockwise from the factory x axis). Robot frame: x forward, y left, z up.
 */
public record RobotPose(double x, double y, double yaw) {

    public static final RobotPose ORIGIN = new RobotPose(0, 0, 0);

    public RobotPose {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(yaw)) {
            throw new IllegalArgumentException(
                    "robot pose must be finite, got x=" + x + " y=" + y + " yaw=" + yaw);
        }
    }

    /** Factory-frame x of a point given in the robot frame. */
    public double factoryX(double robotX, double robotY) {
        return x + Math.cos(yaw) * robotX - Math.sin(yaw) * robotY;
    }

    /** Factory-frame y of a point given in the robot frame. */
    public double factoryY(double robotX, double robotY) {
        return y + Math.sin(yaw) * robotX + Math.cos(yaw) * robotY;
    }

    /** Robot-frame x of a point given in the factory frame. */
    public double robotX(double factoryX, double factoryY) {
        double dx = factoryX - x;
        double dy = factoryY - y;
        return Math.cos(yaw) * dx + Math.sin(yaw) * dy;
    }

    /** Robot-frame y of a point given in the factory frame. */
    public double robotY(double factoryX, double factoryY) {
        double dx = factoryX - x;
        double dy = factoryY - y;
        return -Math.sin(yaw) * dx + Math.cos(yaw) * dy;
    }
}
