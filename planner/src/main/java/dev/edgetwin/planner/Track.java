package dev.edgetwin.planner;

/**
 * A dynamic obstacle from the twin: position and velocity on the floor (map frame), its radius, and
 * the covariance of its position (m^2; {@code covXY} is the off-diagonal term).
 */
public record Track(
        String id,
        ObstacleClass kind,
        double x,
        double y,
        double vx,
        double vy,
        double radius,
        double covXX,
        double covXY,
        double covYY) {
    public Track {
        if (id == null || kind == null) {
            throw new IllegalArgumentException("id and kind are required");
        }
        for (double v : new double[] {x, y, vx, vy, radius, covXX, covXY, covYY}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("track " + id + ": values must be finite");
            }
        }
        if (radius < 0) {
            throw new IllegalArgumentException(
                    "track " + id + ": radius must be >= 0, got " + radius);
        }
        if (covXX < 0 || covYY < 0 || covXY * covXY > covXX * covYY + 1e-12) {
            throw new IllegalArgumentException(
                    "track "
                            + id
                            + ": covariance must be positive semi-definite, got ["
                            + covXX
                            + ", "
                            + covXY
                            + "; "
                            + covXY
                            + ", "
                            + covYY
                            + "]");
        }
    }

    /** A track with an isotropic position standard deviation {@code sigma} (m). */
    public static Track of(
            String id,
            ObstacleClass kind,
            double x,
            double y,
            double vx,
            double vy,
            double radius,
            double sigma) {
        return new Track(id, kind, x, y, vx, vy, radius, sigma * sigma, 0, sigma * sigma);
    }

    /** The standard deviation along the covariance's major axis, metres. */
    public double positionSigma() {
        double mean = 0.5 * (covXX + covYY);
        double diff = 0.5 * (covXX - covYY);
        return Math.sqrt(mean + Math.sqrt(diff * diff + covXY * covXY));
    }

    public double speed() {
        return Math.hypot(vx, vy);
    }
}
