package dev.edgetwin.planner;

import java.util.List;

/**
 * What the planner knows about the world at one instant: the tracks and the time they describe, in
 * the planner clock's nanoseconds.
 */
public record WorldSnapshot(long timeNanos, List<Track> tracks) {
    public WorldSnapshot {
        tracks = List.copyOf(tracks);
    }

    @Override
    public String toString() {
        return "WorldSnapshot[t=" + timeNanos + " ns, " + tracks.size() + " tracks]";
    }
}
