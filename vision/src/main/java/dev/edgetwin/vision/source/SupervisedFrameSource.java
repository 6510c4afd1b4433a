package dev.edgetwin.vision.source;

import dev.edgetwin.vision.Frame;
import java.util.concurrent.atomic.AtomicLong;
import org.tinylog.Logger;

/**
 * Keeps a camera delivering: wraps a source that can be opened again, and when it dies (a
 * non-recoverable {@link FrameSourceException}) or stalls (no frame within {@link
 * SupervisionConfig#stallTimeout()} while the capture thread waits for one), reports it, closes it
 * and opens a fresh one, waiting {@link SupervisionConfig#initialBackoff()} first and twice as long
 * after each further failure without a frame, up to {@link SupervisionConfig#maxBackoff()}.
 * Recoverable errors (an unreadable image, a refused connection) are counted and {@code next()}
 * goes on. So {@link #next()} only ever returns a frame, or throws because this source was closed
 * or the capture thread interrupted; a broken camera never ends the daemon's capture loop.
 *
 * <p>Threads: {@link #next()} from the one capture thread; {@link #checkStall()} from a watchdog
 * ({@link #startWatchdog()} starts one, tests call it directly after advancing a fake clock);
 * {@link #counters()} and {@link #close()} from any thread.
 */
public final class SupervisedFrameSource implements FrameSource {

    /** Opens a fresh instance of the supervised source. */
    @FunctionalInterface
    public interface Opener {
        FrameSource open() throws FrameSourceException;
    }

    private final String cameraId;
    private final Opener opener;
    private final SupervisionConfig config;
    private final SourceClock clock;
    private final Object lock = new Object();
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong reopens = new AtomicLong();
    private volatile boolean closed;
    private Thread watchdog;

    // Guarded by lock.
    private FrameSource current;
    private long waitingSinceNanos = -1;
    private boolean stalled;

    // Capture thread only.
    private int consecutiveFailures;
    private long errorsSinceFrame;
    private boolean everOpened;

    public SupervisedFrameSource(
            String cameraId, Opener opener, SupervisionConfig config, SourceClock clock) {
        if (cameraId == null || cameraId.isBlank()) {
            throw new IllegalArgumentException("cameraId: expected a name, got " + cameraId);
        }
        if (opener == null || config == null || clock == null) {
            throw new IllegalArgumentException(
                    "opener, config and clock are required, got "
                            + opener
                            + ", "
                            + config
                            + ", "
                            + clock);
        }
        this.cameraId = cameraId;
        this.opener = opener;
        this.config = config;
        this.clock = clock;
    }

    /** {@code source} under supervision with the real clocks, its watchdog thread started. */
    public static SupervisedFrameSource start(SourceConfig source, SupervisionConfig config) {
        SourceClock clock = SourceClock.system();
        SupervisedFrameSource supervised =
                new SupervisedFrameSource(
                        source.cameraId(), () -> FrameSources.open(source, clock), config, clock);
        supervised.startWatchdog();
        return supervised;
    }

    /**
     * Returns the next frame, reopening the source as often as it takes.
     *
     * @throws FrameSourceException only with {@link FrameSourceException.Code#CLOSED}, when this
     *     source is closed while waiting
     */
    @Override
    public Frame next() throws FrameSourceException, InterruptedException {
        if (closed) {
            throw new IllegalStateException("supervised camera '" + cameraId + "' is closed");
        }
        synchronized (lock) {
            waitingSinceNanos = clock.nanoTime();
        }
        try {
            while (true) {
                FrameSource source = currentOrReopen();
                Frame frame;
                try {
                    frame = source.next();
                } catch (FrameSourceException e) {
                    handleFailure(source, e.code().recoverable(), e.getMessage());
                    continue;
                } catch (IllegalStateException e) {
                    // The source was closed just before next() was called on it.
                    if (closed) {
                        throw closedException();
                    }
                    if (!isStalled()) {
                        throw e;
                    }
                    handleFailure(source, false, e.getMessage());
                    continue;
                }
                frames.incrementAndGet();
                if (consecutiveFailures > 0) {
                    Logger.info(
                            "camera '{}': frames again after {} errors",
                            cameraId,
                            errorsSinceFrame);
                }
                consecutiveFailures = 0;
                errorsSinceFrame = 0;
                if (isStalled()) {
                    // The frame came just as the watchdog closed the source: reopen next time.
                    retire(source);
                }
                return frame;
            }
        } finally {
            synchronized (lock) {
                waitingSinceNanos = -1;
            }
        }
    }

    /** After a failed next(): go on with the same source if it can recover, else retire it. */
    private void handleFailure(FrameSource source, boolean recoverable, String message)
            throws FrameSourceException {
        if (closed) {
            throw closedException();
        }
        boolean wasStalled = isStalled();
        if (!wasStalled) {
            errors.incrementAndGet();
            errorsSinceFrame++;
            if (recoverable) {
                // One line per run of errors, not one per attempt.
                if (errorsSinceFrame == 1) {
                    Logger.warn("{}", message);
                } else {
                    Logger.debug("{}", message);
                }
                return;
            }
        }
        consecutiveFailures++;
        if (!wasStalled) {
            Logger.warn(
                    "camera '{}': source failed: {}; reopening in {} ms",
                    cameraId,
                    message,
                    backoffNanos() / 1_000_000);
        }
        retire(source);
    }

    private boolean isStalled() {
        synchronized (lock) {
            return stalled;
        }
    }

    private FrameSource currentOrReopen() throws FrameSourceException, InterruptedException {
        while (true) {
            synchronized (lock) {
                if (current != null) {
                    return current;
                }
            }
            if (closed) {
                throw closedException();
            }
            if (consecutiveFailures > 0) {
                Waits.sleepUnlessClosed(clock, backoffNanos(), () -> closed);
                if (closed) {
                    throw closedException();
                }
            }
            FrameSource source;
            try {
                source = opener.open();
            } catch (FrameSourceException e) {
                errors.incrementAndGet();
                errorsSinceFrame++;
                consecutiveFailures++;
                // One warning per run of failures; the rest at debug until frames come again.
                if (consecutiveFailures == 1 || errorsSinceFrame == 1) {
                    Logger.warn(
                            "camera '{}': cannot open source: {}; retrying in {} ms, backing off"
                                    + " up to {} ms",
                            cameraId,
                            e.getMessage(),
                            backoffNanos() / 1_000_000,
                            config.maxBackoff().toMillis());
                } else {
                    Logger.debug(
                            "camera '{}': cannot open source: {}; retrying in {} ms",
                            cameraId,
                            e.getMessage(),
                            backoffNanos() / 1_000_000);
                }
                continue;
            }
            synchronized (lock) {
                if (closed) {
                    source.close();
                    throw closedException();
                }
                current = source;
                stalled = false;
                waitingSinceNanos = clock.nanoTime();
            }
            if (everOpened) {
                reopens.incrementAndGet();
                Logger.info("camera '{}': reopened {}", cameraId, source.describe());
            } else {
                Logger.info("camera '{}': opened {}", cameraId, source.describe());
            }
            everOpened = true;
        }
    }

    /** The wait before the next opening: initial, doubled per further failure, capped. */
    private long backoffNanos() {
        long initial = config.initialBackoff().toNanos();
        long max = config.maxBackoff().toNanos();
        int doublings = Math.max(0, consecutiveFailures - 1);
        if (doublings >= 62 || initial > (max >> doublings)) {
            return max;
        }
        return Math.min(max, initial << doublings);
    }

    private void retire(FrameSource source) {
        synchronized (lock) {
            if (current == source) {
                current = null;
            }
        }
        source.close();
    }

    /**
     * Declares a stall if the capture thread has waited longer than the stall timeout for a frame
     * from the current source: counts it, logs it and closes that source, so that the blocked
     * {@link #next()} reopens it. Called by the watchdog, from any thread.
     *
     * @return whether a stall was declared now
     */
    public boolean checkStall() {
        FrameSource stalledSource;
        long waitedNanos;
        synchronized (lock) {
            if (closed || current == null || waitingSinceNanos < 0 || stalled) {
                return false;
            }
            waitedNanos = clock.nanoTime() - waitingSinceNanos;
            if (waitedNanos < config.stallTimeout().toNanos()) {
                return false;
            }
            stalled = true;
            stalledSource = current;
        }
        stalls.incrementAndGet();
        Logger.warn(
                "camera '{}': no frame for {} ms from {}; closing it to reopen",
                cameraId,
                waitedNanos / 1_000_000,
                stalledSource.describe());
        stalledSource.close();
        return true;
    }

    /**
     * Starts a daemon thread that calls {@link #checkStall()} four times per stall timeout (at
     * least every 10 ms, at most every second) until this source is closed.
     */
    public synchronized void startWatchdog() {
        if (watchdog != null) {
            throw new IllegalStateException("the watchdog of camera '" + cameraId + "' runs");
        }
        if (closed) {
            throw new IllegalStateException("supervised camera '" + cameraId + "' is closed");
        }
        long period =
                Math.max(
                        10_000_000L, Math.min(1_000_000_000L, config.stallTimeout().toNanos() / 4));
        watchdog =
                new Thread(
                        () -> {
                            try {
                                while (!closed) {
                                    clock.sleepNanos(period);
                                    checkStall();
                                }
                            } catch (InterruptedException e) {
                                // Closed.
                            }
                        },
                        "source-watchdog-" + cameraId);
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Frames, errors, stalls and reopenings so far. */
    public SourceCounters counters() {
        return new SourceCounters(frames.get(), errors.get(), stalls.get(), reopens.get());
    }

    private FrameSourceException closedException() {
        return new FrameSourceException(
                FrameSourceException.Code.CLOSED,
                "supervised camera '" + cameraId + "' was closed");
    }

    @Override
    public String cameraId() {
        return cameraId;
    }

    @Override
    public String describe() {
        FrameSource source;
        synchronized (lock) {
            source = current;
        }
        return "supervised camera '"
                + cameraId
                + "'"
                + (source == null ? "" : ": " + source.describe());
    }

    /** Closes the current source and stops the watchdog; a blocked {@link #next()} ends. */
    @Override
    public void close() {
        FrameSource source;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            source = current;
            current = null;
        }
        Thread w;
        synchronized (this) {
            w = watchdog;
        }
        if (w != null) {
            w.interrupt();
        }
        if (source != null) {
            source.close();
        }
    }
}
