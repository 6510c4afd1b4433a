package dev.edgetwin.vision.source;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Time as the frame sources see it: a monotonic clock for rates, timeouts and backoff, the wall
 * clock for capture times, and a way to wait. Tests pass a fake that advances when asked to sleep.
 */
public interface SourceClock {

    /** Monotonic nanoseconds, only meaningful as differences (like {@link System#nanoTime()}). */
    long nanoTime();

    /** Wall-clock nanoseconds since the Unix epoch, for {@code Frame.captureTimeNanos}. */
    long epochNanos();

    /** Waits {@code nanos} (nothing if not positive). */
    void sleepNanos(long nanos) throws InterruptedException;

    /** The real clocks and {@link TimeUnit#sleep}. */
    static SourceClock system() {
        return SystemClock.INSTANCE;
    }

    /** The real clocks. */
    enum SystemClock implements SourceClock {
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            if (nanos > 0) {
                TimeUnit.NANOSECONDS.sleep(nanos);
            }
        }
    }
}
