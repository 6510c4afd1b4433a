package dev.edgetwin.planner;

/** Maps and robots for the tests and the benchmark. */
final class Worlds {
    private Worlds() {}

    /**
     * A straight corridor along x: {@code length} m long, {@code width} m wide between walls of one
     * cell, 0.05 m cells, origin (0, 0); the free lane's centre line is y = 0.05 + width / 2.
     */
    static StaticMap corridor(double length, double width) {
        double res = 0.05;
        int w = (int) Math.round(length / res);
        int h = (int) Math.round(width / res) + 2;
        boolean[] occ = new boolean[w * h];
        for (int c = 0; c < w; c++) {
            occ[c] = true;
            occ[(h - 1) * w + c] = true;
        }
        for (int r = 0; r < h; r++) {
            occ[r * w] = true;
            occ[r * w + w - 1] = true;
        }
        return StaticMap.of(w, h, res, 0, 0, occ);
    }

    static double centre(double width) {
        return 0.05 + width / 2;
    }

    /** The smallest gap between the robot's footprint at a pose and the static map's obstacles. */
    static double staticGap(StaticMap map, RobotConfig robot, Pose p) {
        double g = Double.POSITIVE_INFINITY;
        for (RobotConfig.Circle c : robot.footprint()) {
            double cx = p.x() + c.x() * Math.cos(p.theta()) - c.y() * Math.sin(p.theta());
            double cy = p.y() + c.x() * Math.sin(p.theta()) + c.y() * Math.cos(p.theta());
            g = Math.min(g, map.clearanceAt(cx, cy) - c.radius());
        }
        return g;
    }

    /** The smallest gap between the robot's footprint at a pose and a disc. */
    static double discGap(RobotConfig robot, Pose p, double ox, double oy, double r) {
        double g = Double.POSITIVE_INFINITY;
        for (RobotConfig.Circle c : robot.footprint()) {
            double cx = p.x() + c.x() * Math.cos(p.theta()) - c.y() * Math.sin(p.theta());
            double cy = p.y() + c.x() * Math.sin(p.theta()) + c.y() * Math.cos(p.theta());
            g = Math.min(g, Math.hypot(cx - ox, cy - oy) - c.radius() - r);
        }
        return g;
    }

    /** Test-sized optimiser settings: 512 x 40 steps of 0.05 s, one thread. */
    static PlannerConfig smallConfig() {
        PlannerConfig d = PlannerConfig.defaults();
        return d.withMppi(d.mppi().withSamples(512, 40).withThreads(1));
    }
}
