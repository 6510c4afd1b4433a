package dev.edgetwin.vision.track;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A tracked object on the factory floor at the time of the update that produced it.
 *
 * @param id stable across updates; never reused by the same tracker
 * @param classId the class of the measurements that built it
 * @param state where the track is in its life
 * @param x position in the factory frame, metres (predicted when not measured this update)
 * @param y position in the factory frame, metres
 * @param vx velocity, metres per second
 * @param vy velocity, metres per second
 * @param covariance the 4x4 state covariance over {@code [x, y, vx, vy]}, row-major (a copy)
 * @param confidence the confidence of the last measurement it took
 * @param firstSeenNanos timestamp of the update that started it
 * @param lastSeenNanos timestamp of the last update in which a measurement matched it
 * @param hits how many updates matched it (several cameras in one update count once)
 * @param measurement the measurement that matched it in this update (the first, when several
 *     cameras saw it), with its camera and image box; empty when nothing matched it this update
 */
public record Track(
        long id,
        int classId,
        TrackState state,
        double x,
        double y,
        double vx,
        double vy,
        double[] covariance,
        float confidence,
        long firstSeenNanos,
        long lastSeenNanos,
        int hits,
        Optional<FloorMeasurement> measurement) {

    public Track {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(covariance, "covariance");
        Objects.requireNonNull(measurement, "measurement");
        if (covariance.length != 16) {
            throw new IllegalArgumentException(
                    "covariance must have 16 entries (4x4), got " + covariance.length);
        }
        covariance = covariance.clone();
    }

    /** The 4x4 state covariance, row-major; a fresh copy each call. */
    @Override
    public double[] covariance() {
        return covariance.clone();
    }

    /** One entry of the state covariance; indices 0..3 are x, y, vx, vy. */
    public double covariance(int row, int col) {
        return covariance[row * 4 + col];
    }

    public double speed() {
        return Math.hypot(vx, vy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Track t
                && id == t.id
                && classId == t.classId
                && state == t.state
                && Double.compare(x, t.x) == 0
                && Double.compare(y, t.y) == 0
                && Double.compare(vx, t.vx) == 0
                && Double.compare(vy, t.vy) == 0
                && Arrays.equals(covariance, t.covariance)
                && Float.compare(confidence, t.confidence) == 0
                && firstSeenNanos == t.firstSeenNanos
                && lastSeenNanos == t.lastSeenNanos
                && hits == t.hits
                && measurement.equals(t.measurement);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                                id,
                                classId,
                                state,
                                x,
                                y,
                                vx,
                                vy,
                                confidence,
                                firstSeenNanos,
                                lastSeenNanos,
                                hits,
                                measurement)
                        * 31
                + Arrays.hashCode(covariance);
    }

    @Override
    public String toString() {
        return String.format(
                "Track[id=%d, class=%d, %s, at (%.2f, %.2f) m, v (%.2f, %.2f) m/s, hits=%d]",
                id, classId, state, x, y, vx, vy, hits);
    }
}
