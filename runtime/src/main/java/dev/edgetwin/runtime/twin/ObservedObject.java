package dev.edgetwin.runtime.twin;

/**
 * A tracked object, as the twin publishes it: a confirmed track of the robot's floor tracker.
 *
 * @param id the track's id: stable while the object is tracked, never reused in a daemon run
 * @param seen whether a detection matched it in this frame; false while it is lost (not seen, its
 *     position predicted), which lasts at most the tracker's max lost age
 * @param label class name
 * @param confidence detector score of the last detection it took, in [0, 1]
 * @param x factory-frame centre, metres (filtered)
 * @param y factory-frame centre, metres
 * @param vx factory-frame velocity, metres per second
 * @param vy factory-frame velocity, metres per second
 * @param varX variance of x, square metres
 * @param covXY covariance of x and y, square metres
 * @param varY variance of y, square metres
 * @param range horizontal distance from the camera to the centre, metres
 * @param boxX1 image box of this frame's detection in source pixels; NaN when this frame did not
 *     detect it
 * @param firstSeenNanos capture time of the frame that started the track, ns since the epoch
 * @param lastSeenNanos capture time of the last frame in which it was seen
 */
public record ObservedObject(
        long id,
        boolean seen,
        String label,
        double confidence,
        double x,
        double y,
        double vx,
        double vy,
        double varX,
        double covXY,
        double varY,
        double range,
        double boxX1,
        double boxY1,
        double boxX2,
        double boxY2,
        long firstSeenNanos,
        long lastSeenNanos) {

    /** Whether it has an image box: this frame detected it. */
    public boolean hasBox() {
        return !Double.isNaN(boxX1);
    }
}
