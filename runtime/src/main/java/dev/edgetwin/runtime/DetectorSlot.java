package dev.edgetwin.runtime;

import java.util.concurrent.atomic.AtomicReference;
import org.tinylog.Logger;

/**
 * Lets a new detector replace the serving one while frames flow. Any thread may {@link #offer} a
 * loaded, warmed-up detector; the inference thread picks it up between two frames in {@link
 * #acquire()} and closes the old one itself, so a detector is never closed while it runs.
 */
final class DetectorSlot implements AutoCloseable {
    private final AtomicReference<ServingDetector> pending = new AtomicReference<>();
    private volatile ServingDetector current;
    private boolean closed;

    DetectorSlot(ServingDetector initial) {
        this.current = initial;
    }

    /** Any thread: queue {@code next} to replace the serving detector at the next frame. */
    synchronized void offer(ServingDetector next) {
        if (closed) {
            next.close();
            throw new IllegalStateException("the daemon is stopping; detector not swapped");
        }
        ServingDetector superseded = pending.getAndSet(next);
        if (superseded != null) {
            superseded.close();
        }
    }

    /** Inference thread only: the detector for this frame, swapping in a pending one first. */
    ServingDetector acquire() {
        ServingDetector next = pending.getAndSet(null);
        if (next != null) {
            ServingDetector old = current;
            current = next;
            Logger.info("Detector swapped: {} -> {}", old.info().file(), next.info().file());
            old.close();
        }
        return current;
    }

    /** The detector serving now (may be replaced at the next frame). */
    ServingDetector current() {
        return current;
    }

    /** After the inference thread stopped: closes the serving and any pending detector. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ServingDetector next = pending.getAndSet(null);
        if (next != null) {
            next.close();
        }
        current.close();
    }
}
