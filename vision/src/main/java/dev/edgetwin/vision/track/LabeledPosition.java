package dev.edgetwin.vision.track;

/**
 * An identified object at a position on the floor in one frame of an evaluation: a ground-truth
 * object or a tracker's output.
 *
 * @param id the ground-truth id or the track id
 * @param classId objects only match positions of the same class
 * @param x metres, factory frame
 * @param y metres, factory frame
 */
public record LabeledPosition(long id, int classId, double x, double y) {

    public LabeledPosition {
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("position must be finite, got x=" + x + " y=" + y);
        }
    }

    /** A tracker's output as the metrics see it. */
    public static LabeledPosition of(Track track) {
        return new LabeledPosition(track.id(), track.classId(), track.x(), track.y());
    }

    double distanceTo(LabeledPosition other) {
        return Math.hypot(x - other.x, y - other.y);
    }
}
