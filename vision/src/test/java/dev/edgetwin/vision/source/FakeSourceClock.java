package dev.edgetwin.vision.source;

import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test advances it or a source sleeps on it. Thread-safe. */
final class FakeSourceClock implements SourceClock {
    static final long EPOCH_AT_ZERO = 1_700_000_000_000_000_000L;

    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochNanos() {
        return EPOCH_AT_ZERO + nanos.get();
    }

    @Override
    public void sleepNanos(long n) {
        if (n > 0) {
            nanos.addAndGet(n);
        }
    }

    void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }
}
