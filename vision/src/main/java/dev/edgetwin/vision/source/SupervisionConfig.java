package dev.edgetwin.vision.source;

import java.time.Duration;

/**
 * How {@link SupervisedFrameSource} watches and reopens a source.
 *
 * @param stallTimeout a source that delivers no frame for this long while asked for one is closed
 *     and reopened
 * @param initialBackoff the wait before the first reopening after a failure
 * @param maxBackoff the wait doubles after each reopening that brings no frame, up to this
 */
public record SupervisionConfig(
        Duration stallTimeout, Duration initialBackoff, Duration maxBackoff) {

    public SupervisionConfig {
        check(stallTimeout, "stallTimeout");
        check(initialBackoff, "initialBackoff");
        check(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "supervision maxBackoff: expected at least initialBackoff ("
                            + initialBackoff
                            + "), got "
                            + maxBackoff);
        }
    }

    /** 5 s stall timeout, backoff from 0.5 s doubling up to 30 s. */
    public static SupervisionConfig defaults() {
        return new SupervisionConfig(
                Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    private static void check(Duration d, String field) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(
                    "supervision " + field + ": expected a positive duration, got " + d);
        }
    }
}
