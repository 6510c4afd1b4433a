package dev.edgetwin.runtime.pipeline;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A single-slot, latest-wins hand-off between one producer thread and one consumer thread, which
 * gives back what it displaced so that the producer can reuse it (a preallocated buffer goes back
 * to its pool instead of being overwritten while someone reads it). Nothing is allocated per
 * hand-off: an atomic swap and park/unpark.
 *
 * <p>The producer calls {@link #put} (never blocks) and, only where dropping is not wanted, {@link
 * #awaitEmpty} first; the consumer calls {@link #poll}. {@link #take()} may be called by any thread
 * once both have stopped.
 */
final class HandOffSlot<T> {
    private final AtomicReference<T> value = new AtomicReference<>();
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread consumer;
    private volatile Thread producer;

    /** Producer: stores {@code v}; returns the value it replaced (dropped and counted) or null. */
    T put(T v) {
        T old = value.getAndSet(v);
        if (old != null) {
            dropped.incrementAndGet();
        }
        LockSupport.unpark(consumer);
        return old;
    }

    /** Consumer: the value, waiting up to {@code timeoutNanos}; null if none came. */
    T poll(long timeoutNanos) throws InterruptedException {
        consumer = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            T v = value.getAndSet(null);
            if (v != null) {
                LockSupport.unpark(producer);
                return v;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return null;
            }
            LockSupport.parkNanos(this, remaining);
        }
    }

    /** Producer: waits up to {@code timeoutNanos} until the consumer took the last value. */
    boolean awaitEmpty(long timeoutNanos) throws InterruptedException {
        producer = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutNanos;
        while (value.get() != null) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, remaining);
        }
        return true;
    }

    /** Empties the slot without waiting; null if it was empty. */
    T take() {
        return value.getAndSet(null);
    }

    /** Values replaced before the consumer took them. */
    long dropped() {
        return dropped.get();
    }
}
