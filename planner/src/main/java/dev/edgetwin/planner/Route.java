package dev.edgetwin.planner;

/**
 * A route on the floor: waypoints at the centres of grid cells from start to goal (8-connected
 * steps), with their arc length. Immutable.
 */
public final class Route {
    private final double[] xs;
    private final double[] ys;
    private final double[] arcLength;

    Route(double[] xs, double[] ys) {
        if (xs.length != ys.length || xs.length == 0) {
            throw new IllegalArgumentException("a route needs at least one waypoint");
        }
        this.xs = xs;
        this.ys = ys;
        this.arcLength = new double[xs.length];
        for (int i = 1; i < xs.length; i++) {
            arcLength[i] = arcLength[i - 1] + Math.hypot(xs[i] - xs[i - 1], ys[i] - ys[i - 1]);
        }
    }

    public int size() {
        return xs.length;
    }

    public double x(int i) {
        return xs[i];
    }

    public double y(int i) {
        return ys[i];
    }

    /** Distance along the route from the start to waypoint i, metres. */
    public double arcLength(int i) {
        return arcLength[i];
    }

    public double length() {
        return arcLength[arcLength.length - 1];
    }

    public double goalX() {
        return xs[xs.length - 1];
    }

    public double goalY() {
        return ys[ys.length - 1];
    }

    /** The waypoint closest to a point. */
    public int nearest(double x, double y) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < xs.length; i++) {
            double dx = xs[i] - x;
            double dy = ys[i] - y;
            double d = dx * dx + dy * dy;
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "Route[" + xs.length + " waypoints, " + String.format("%.2f", length()) + " m]";
    }
}
