package dev.edgetwin.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A single-slot, latest-wins hand-off between one producer thread and one consumer thread. The
 * producer never blocks: a value it replaces before the consumer took it is dropped and counted.
 */
public final class LatestSlot<T> {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition filled = lock.newCondition();
    private final AtomicLong dropped = new AtomicLong();
    private T value;

    /** Producer side: stores {@code v}, replacing (and counting) any value not yet taken. */
    public void put(T v) {
        lock.lock();
        try {
            if (value != null) {
                dropped.incrementAndGet();
            }
            value = v;
            filled.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Consumer side: the newest value, waiting up to {@code timeout}; null if none arrived. */
    public T poll(long timeout, TimeUnit unit) throws InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (value == null) {
                if (remaining <= 0) {
                    return null;
                }
                remaining = filled.awaitNanos(remaining);
            }
            T v = value;
            value = null;
            return v;
        } finally {
            lock.unlock();
        }
    }

    /** How many values were replaced before the consumer took them. */
    public long dropped() {
        return dropped.get();
    }
}
