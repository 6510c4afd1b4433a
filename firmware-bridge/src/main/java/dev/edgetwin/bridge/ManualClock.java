package dev.edgetwin.bridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A clock that moves only when told to, for tests and simulations: {@link #advance} runs every
 * periodic task that falls due, in time order (ties in registration order), on the calling thread,
 * with {@link #nanoTime()} set to each task's due time while it runs. An optional hook runs after
 * each due instant (e.g. {@link InMemoryTransport.Pair#pump()} to deliver what the tasks sent). Not
 * thread-safe: one thread drives it.
 */
public final class ManualClock implements LinkClock {
    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private Runnable afterEachInstant = () -> {};

    /** Starts at {@code startNanos} (any value; tests use offsets near 0 and near overflow). */
    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    public ManualClock() {
        this(0);
    }

    /** Runs {@code hook} after the tasks of each due instant, and once at the end of advance. */
    public void afterEachInstant(Runnable hook) {
        this.afterEachInstant = Objects.requireNonNull(hook, "hook");
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Periodic every(Duration period, Runnable task) {
        long p = period.toNanos();
        if (p <= 0) {
            throw new IllegalArgumentException("period = " + period + " must be positive");
        }
        Task t = new Task(p, now + p, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Moves time forward by {@code delta}, running due tasks on the way. */
    public void advance(Duration delta) {
        if (delta.isNegative()) {
            throw new IllegalArgumentException("delta = " + delta + " must not be negative");
        }
        long end = now + delta.toNanos();
        while (true) {
            tasks.removeIf(t -> t.cancelled);
            long next = Long.MAX_VALUE;
            for (Task t : tasks) {
                if (t.due - end <= 0 && (next == Long.MAX_VALUE || t.due - next < 0)) {
                    next = t.due;
                }
            }
            if (next == Long.MAX_VALUE) {
                break;
            }
            now = next;
            for (Task t : List.copyOf(tasks)) {
                if (!t.cancelled && t.due == next) {
                    t.due += t.period;
                    t.task.run();
                }
            }
            afterEachInstant.run();
        }
        now = end;
        afterEachInstant.run();
    }

    /** {@link #advance} in whole milliseconds. */
    public void advanceMillis(long millis) {
        advance(Duration.ofMillis(millis));
    }

    private static final class Task {
        final long period;
        final Runnable task;
        long due;
        boolean cancelled;

        Task(long period, long due, Runnable task) {
            this.period = period;
            this.due = due;
            this.task = task;
        }
    }
}
