package dev.edgetwin.bridge;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Monotonic time and periodic scheduling, injected into everything with a timeout (habit 7): the
 * link supervisor, the simulated firmware. Production uses {@link #system}; tests and faster than
 * real time simulations use {@link ManualClock}.
 */
public interface LinkClock {

    /** Monotonic nanoseconds; only differences mean anything. */
    long nanoTime();

    /**
     * Runs {@code task} every {@code period}, first after one period.
     *
     * @return closing it cancels the task (idempotent)
     */
    Periodic every(Duration period, Runnable task);

    /** A cancellable periodic task. */
    interface Periodic extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * {@link System#nanoTime()} and {@code executor} (not owned: the caller shuts it down). Tasks
     * run on the executor's threads.
     */
    static LinkClock system(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        return new LinkClock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Periodic every(Duration period, Runnable task) {
                long nanos = period.toNanos();
                ScheduledFuture<?> f =
                        executor.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }
        };
    }
}
