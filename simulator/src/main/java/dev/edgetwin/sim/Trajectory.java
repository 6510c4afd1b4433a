package dev.edgetwin.sim;

/**
 * How a dynamic object moves: a pure function of scene time, so that any instant can be rendered in
 * any order and replayed exactly.
 */
sealed interface Trajectory permits Trajectory.Parked, Trajectory.Shuttle, Trajectory.Waypoints {

    /** Writes {x, y, yaw, vx, vy} at time {@code t} (seconds) into {@code out}. */
    void sample(double t, double[] out);

    /** Stands still. */
    record Parked(double x, double y, double yaw) implements Trajectory {
        @Override
        public void sample(double t, double[] out) {
            out[0] = x;
            out[1] = y;
            out[2] = yaw;
            out[3] = 0;
            out[4] = 0;
        }
    }

    /**
     * Goes from a to b and back along a straight line with a cosine speed profile: at a when {@code
     * 2 pi t / period + phase} is a multiple of 2 pi, at b half a period later, and at rest at both
     * ends, so velocity is continuous.
     *
     * @param facesTravel whether yaw turns to the direction of travel at each end (people, robots);
     *     otherwise yaw always points from a to b and the object reverses back to a
     */
    record Shuttle(
            double ax,
            double ay,
            double bx,
            double by,
            double periodSeconds,
            double phase,
            boolean facesTravel)
            implements Trajectory {

        public Shuttle {
            if (!(periodSeconds > 0) || !Double.isFinite(periodSeconds)) {
                throw new IllegalArgumentException(
                        "shuttle periodSeconds must be positive, got " + periodSeconds);
            }
            if (ax == bx && ay == by) {
                throw new IllegalArgumentException(
                        "shuttle ends must differ, got (" + ax + ", " + ay + ") twice");
            }
        }

        @Override
        public void sample(double t, double[] out) {
            double omega = 2 * Math.PI / periodSeconds;
            // Reduce before multiplying so that large t keeps its precision.
            double cycles = t / periodSeconds;
            double angle = 2 * Math.PI * (cycles - StrictMath.floor(cycles)) + phase;
            angle -= 2 * Math.PI * StrictMath.floor(angle / (2 * Math.PI));
            double s = (1 - StrictMath.cos(angle)) / 2;
            double ds = StrictMath.sin(angle) * omega / 2;
            double dx = bx - ax;
            double dy = by - ay;
            out[0] = ax + dx * s;
            out[1] = ay + dy * s;
            double towardsB = StrictMath.atan2(dy, dx);
            out[2] = facesTravel && angle >= Math.PI ? towardsB + Math.PI : towardsB;
            out[3] = dx * ds;
            out[4] = dy * ds;
        }
    }

    /**
     * Straight lines between timed waypoints at constant speed per leg: at the first waypoint
     * before its time, at the last after its time. Yaw is {@code yaw} throughout, or, when {@code
     * facesTravel}, the heading of the current leg (of the last leg that moved, once at rest).
     */
    record Waypoints(double[] times, double[] xs, double[] ys, double yaw, boolean facesTravel)
            implements Trajectory {

        @Override
        public void sample(double t, double[] out) {
            int n = times.length;
            double heading = yaw;
            if (t <= times[0] || n == 1) {
                int at = t <= times[0] ? 0 : n - 1;
                out[0] = xs[at];
                out[1] = ys[at];
                out[2] = facesTravel ? headingOfLegBefore(at == 0 ? 1 : n - 1) : yaw;
                out[3] = 0;
                out[4] = 0;
                return;
            }
            if (t >= times[n - 1]) {
                out[0] = xs[n - 1];
                out[1] = ys[n - 1];
                out[2] = facesTravel ? headingOfLegBefore(n - 1) : yaw;
                out[3] = 0;
                out[4] = 0;
                return;
            }
            int leg = 1;
            while (times[leg] < t) {
                leg++;
            }
            double span = times[leg] - times[leg - 1];
            double f = (t - times[leg - 1]) / span;
            double dx = xs[leg] - xs[leg - 1];
            double dy = ys[leg] - ys[leg - 1];
            out[0] = xs[leg - 1] + f * dx;
            out[1] = ys[leg - 1] + f * dy;
            if (facesTravel) {
                heading = headingOfLegBefore(leg);
            }
            out[2] = heading;
            out[3] = dx / span;
            out[4] = dy / span;
        }

        /** The heading of the last leg ending at or before waypoint {@code i} that moves. */
        private double headingOfLegBefore(int i) {
            for (int leg = Math.min(i, xs.length - 1); leg >= 1; leg--) {
                double dx = xs[leg] - xs[leg - 1];
                double dy = ys[leg] - ys[leg - 1];
                if (dx != 0 || dy != 0) {
                    return StrictMath.atan2(dy, dx);
                }
            }
            return yaw;
        }
    }
}
