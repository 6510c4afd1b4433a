package dev.edgetwin.vision.source;

import java.util.function.BooleanSupplier;

/** Waiting in short steps so that a source closed from another thread stops waiting soon. */
final class Waits {
    /** The longest single sleep: how late a closed source notices while waiting. */
    static final long STEP_NANOS = 50_000_000L;

    private Waits() {}

    /** Sleeps {@code nanos} on {@code clock}, or less if {@code closed} becomes true. */
    static void sleepUnlessClosed(SourceClock clock, long nanos, BooleanSupplier closed)
            throws InterruptedException {
        long end = clock.nanoTime() + Math.max(0, nanos);
        long left;
        while (!closed.getAsBoolean() && (left = end - clock.nanoTime()) > 0) {
            clock.sleepNanos(Math.min(left, STEP_NANOS));
        }
    }
}
