package dev.edgetwin.planner;

/** A position on the floor in the map frame (metres) and a heading (radians, counter-clockwise). */
public record Pose(double x, double y, double theta) {
    public Pose {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(theta)) {
            throw new IllegalArgumentException(
                    "pose must be finite, got (" + x + ", " + y + ", " + theta + ")");
        }
    }

    public double distanceTo(Pose other) {
        return Math.hypot(other.x - x, other.y - y);
    }
}
