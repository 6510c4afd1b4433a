package dev.edgetwin.runtime;

import java.util.ArrayDeque;

/**
 * Frames per second over a sliding window of frame timestamps (capture time, so it reads the same
 * however late results arrive): (frames in the window - 1) / (newest - oldest). Not thread-safe:
 * the daemon calls it under its twin lock.
 */
final class FrameRateMeter {
    private final long windowNanos;
    private final ArrayDeque<Long> times = new ArrayDeque<>();

    FrameRateMeter(long windowNanos) {
        if (windowNanos <= 0) {
            throw new IllegalArgumentException("window must be positive, got " + windowNanos);
        }
        this.windowNanos = windowNanos;
    }

    /** Counts a frame taken at {@code timeNanos} and returns the rate; 0 until two frames. */
    double record(long timeNanos) {
        times.addLast(timeNanos);
        while (times.peekFirst() < timeNanos - windowNanos) {
            times.removeFirst();
        }
        long span = timeNanos - times.peekFirst();
        return times.size() < 2 || span <= 0 ? 0 : (times.size() - 1) * 1e9 / span;
    }
}
