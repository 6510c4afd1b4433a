package dev.edgetwin.planner;

import java.util.List;
import java.util.Objects;

/**
 * What the planner knows about the world at one instant: the tracks and the time they describe, in
 * the planner clock's nanoseconds, and the floor the sensors have observed (elsewhere an obstacle
 * may stand that no track shows).
 */
public record WorldSnapshot(long timeNanos, List<Track> tracks, ObservedSpace observed) {
    public WorldSnapshot {
        tracks = List.copyOf(tracks);
        Objects.requireNonNull(observed, "observed");
    }

    /** A snapshot whose perception covers all the floor. */
    public WorldSnapshot(long timeNanos, List<Track> tracks) {
        this(timeNanos, tracks, ObservedSpace.everywhere());
    }

    @Override
    public String toString() {
        return "WorldSnapshot[t="
                + timeNanos
                + " ns, "
                + tracks.size()
                + " tracks, "
                + observed
                + "]";
    }
}
