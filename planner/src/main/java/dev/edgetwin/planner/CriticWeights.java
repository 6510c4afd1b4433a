package dev.edgetwin.planner;

/**
 * Weights of the analytic critics (costs are added; a larger weight matters more). Checked when
 * built: all finite and >= 0.
 *
 * @param collision cost of a trajectory that touches a static obstacle or a predicted dynamic one
 *     (hard: such a trajectory is never chosen while another exists)
 * @param clearance per second spent closer than {@code clearanceWanted} to static obstacles, per
 *     metre short
 * @param clearanceWanted metres of clearance beyond the footprint below which the clearance critic
 *     charges
 * @param progress per metre of route left to the goal at the end of the trajectory
 * @param alignment per metre of mean distance from the route (path-follow)
 * @param people per second spent inside a person's (or object's) margin, scaled by how deep
 * @param smoothness per (m/s)^2 and (rad/s)^2 of command change between steps
 * @param preferForward per second and m/s of reversing
 */
public record CriticWeights(
        double collision,
        double clearance,
        double clearanceWanted,
        double progress,
        double alignment,
        double people,
        double smoothness,
        double preferForward) {
    public CriticWeights {
        double[] all = {
            collision,
            clearance,
            clearanceWanted,
            progress,
            alignment,
            people,
            smoothness,
            preferForward
        };
        String[] names = {
            "collision",
            "clearance",
            "clearanceWanted",
            "progress",
            "alignment",
            "people",
            "smoothness",
            "preferForward"
        };
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] >= 0) || !Double.isFinite(all[i])) {
                throw new IllegalArgumentException(
                        "CriticWeights." + names[i] + " must be finite and >= 0, got " + all[i]);
            }
        }
    }

    public static CriticWeights defaults() {
        return new CriticWeights(1e6, 4.0, 0.3, 10.0, 3.0, 60.0, 0.2, 5.0);
    }
}
