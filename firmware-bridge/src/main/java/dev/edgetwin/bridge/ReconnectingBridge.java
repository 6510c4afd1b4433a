package dev.edgetwin.bridge;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * Keeps a {@link BridgeLink} to the MCU over whatever transport {@code opener} opens (a serial port
 * that may be unplugged and plugged back, a TCP bench rig that restarts): when the link is lost or
 * its handshake fails, the link and its transport are closed and a new transport is opened, then a
 * new link with a new handshake. A link that was working is reopened at once; failed attempts (the
 * transport does not open, or no handshake follows) back off exponentially up to a bound, and the
 * backoff restarts after the next successful handshake.
 *
 * <p>Motion never resumes by itself after a loss: the lost link has already commanded a stop, and
 * {@link #command} is refused on the new link until the caller calls {@link #resume()} (which
 * succeeds once the new link is {@link BridgeLink.State#READY}).
 *
 * <p>Threads: {@link #command}, {@link #reportFault}, {@link #resume} and the getters from any
 * thread. The reconnect check runs every {@link Backoff#initial()} on the clock's thread, and so
 * does {@code opener}: it must not block for long (a serial open is immediate; give a TCP connect a
 * short timeout). Link events go to {@code listener} as {@link BridgeLink#open} delivers them,
 * under the link's lock: the listener must not block or call back into this bridge.
 */
public final class ReconnectingBridge implements AutoCloseable {

    /** Opens a fresh transport to the MCU; called again after each loss. */
    @FunctionalInterface
    public interface TransportOpener {
        Transport open() throws TransportException;
    }

    /**
     * Delays between attempts to reopen: {@code initial} after the first failed attempt, doubled
     * after each further one up to {@code max}. The first attempt after a loss is immediate.
     */
    public record Backoff(Duration initial, Duration max) {
        public Backoff {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || initial.isZero()) {
                throw new IllegalArgumentException("initial = " + initial + " must be positive");
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "max = " + max + " must be >= initial = " + initial);
            }
        }

        /** 50 ms, doubling up to 2 s. */
        public static Backoff defaults() {
            return new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2));
        }
    }

    private final String name;
    private final TransportOpener opener;
    private final BridgeConfig config;
    private final LinkClock clock;
    private final Backoff backoff;
    private final Consumer<LinkEvent> listener;
    private final LinkClock.Periodic checker;

    private BridgeLink link;
    private boolean closed;
    private boolean resumeNeeded;
    private long nextAttemptAt;
    private long delayNanos;
    private long connections;
    private long failedAttempts;
    private String lastFailure;

    /** The failure last logged: a device that stays away is logged once, not every attempt. */
    private String loggedFailure;

    /**
     * Set by the link's thread: a handshake succeeded since the last failure (backoff restarts).
     */
    private volatile boolean backoffReset;

    /** Set by the link's thread: why the last handshake failed. */
    private volatile String handshakeFailure = "none";

    private ReconnectingBridge(
            String name,
            TransportOpener opener,
            BridgeConfig config,
            LinkClock clock,
            Backoff backoff,
            Consumer<LinkEvent> listener) {
        this.name = Objects.requireNonNull(name, "name");
        this.opener = Objects.requireNonNull(opener, "opener");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.delayNanos = backoff.initial().toNanos();
        this.nextAttemptAt = clock.nanoTime();
        synchronized (this) {
            check();
        }
        this.checker = clock.every(backoff.initial(), this::check);
    }

    /**
     * Tries to open the link at once (a failure is logged and retried with backoff, not thrown: the
     * MCU may simply not be powered yet) and keeps it open from then on.
     *
     * @param name what the transport is, for logs ("serial:/dev/ttyUSB0@1000000")
     * @param listener receives every link's events, under that link's lock: must not block
     */
    public static ReconnectingBridge start(
            String name,
            TransportOpener opener,
            BridgeConfig config,
            LinkClock clock,
            Backoff backoff,
            Consumer<LinkEvent> listener) {
        return new ReconnectingBridge(name, opener, config, clock, backoff, listener);
    }

    private synchronized void check() {
        if (closed) {
            return;
        }
        long now = clock.nanoTime();
        if (link != null) {
            BridgeLink.State s = link.state();
            if (s != BridgeLink.State.LOST && s != BridgeLink.State.FAILED) {
                return;
            }
            boolean shookHands = link.firmwareHello() != null;
            link.close();
            link = null;
            resumeNeeded = true;
            if (shookHands) {
                // a working link was lost: the device may be back at once
                Logger.warn("Bridge {} lost; reopening", name);
                delayNanos = backoff.initial().toNanos();
                nextAttemptAt = now;
            } else {
                // opened but no usable MCU behind it (silent, another protocol): back off as
                // after a failed open, or a powered but mute MCU would be reopened every second
                failed(now, "no handshake: " + handshakeFailure);
            }
        }
        if (now - nextAttemptAt < 0) {
            return;
        }
        try {
            Transport transport = opener.open();
            link = BridgeLink.open(transport, config, clock, this::onLinkEvent);
            connections++;
            if (failedAttempts > 0 || connections > 1) {
                Logger.info(
                        "Bridge {} reopened (transport {}, {} failed attempts so far)",
                        name,
                        connections,
                        failedAttempts);
            }
        } catch (TransportException e) {
            failed(now, e.getMessage());
        }
    }

    /** Runs under the link's lock: records, then passes on; never takes this bridge's lock. */
    private void onLinkEvent(LinkEvent event) {
        if (event.kind() == LinkEvent.Kind.CONNECTED) {
            backoffReset = true;
        } else if (event.kind() == LinkEvent.Kind.HANDSHAKE_TIMEOUT
                || event.kind() == LinkEvent.Kind.VERSION_MISMATCH) {
            handshakeFailure = event.kind() + ": " + event.detail();
        }
        listener.accept(event);
    }

    private void failed(long now, String why) {
        if (backoffReset) {
            backoffReset = false;
            delayNanos = backoff.initial().toNanos();
            loggedFailure = null;
        }
        failedAttempts++;
        lastFailure = why;
        if (!why.equals(loggedFailure)) {
            loggedFailure = why;
            Logger.warn(
                    "Bridge {}: {}; retrying with backoff up to {} ms",
                    name,
                    why,
                    backoff.max().toMillis());
        }
        nextAttemptAt = now + delayNanos;
        delayNanos = Math.min(2 * delayNanos, backoff.max().toNanos());
    }

    /**
     * Forwards the caller's target to the current link ({@link BridgeLink#command}).
     *
     * @return false while disconnected, not yet {@link BridgeLink.State#READY}, stopped, or not
     *     resumed after a loss
     */
    public synchronized boolean command(double vx, double vy, double wz) {
        if (link == null || resumeNeeded) {
            return false;
        }
        return link.command(vx, vy, wz);
    }

    /** {@link BridgeLink#reportFault} on the current link, if any. */
    public synchronized void reportFault(String source) {
        if (link != null) {
            link.reportFault(source);
        }
    }

    /**
     * Accepts commands again: after a stop on the current link ({@link BridgeLink#resume}), or on a
     * new link after a loss once it is ready.
     *
     * @return whether commands are accepted now
     */
    public synchronized boolean resume() {
        if (link == null) {
            return false;
        }
        BridgeLink.State s = link.state();
        if (resumeNeeded) {
            if (s != BridgeLink.State.READY) {
                return false;
            }
            resumeNeeded = false;
            Logger.info("Bridge {} resumed after reconnecting", name);
            return true;
        }
        return s == BridgeLink.State.READY || link.resume();
    }

    /** The current link, null while disconnected. */
    public synchronized BridgeLink link() {
        return link;
    }

    /** The current link's state, {@link BridgeLink.State#LOST} while disconnected. */
    public synchronized BridgeLink.State state() {
        return link == null ? BridgeLink.State.LOST : link.state();
    }

    /** Transports opened so far (1 after the first successful open), handshakes or not. */
    public synchronized long connections() {
        return connections;
    }

    /** Attempts that failed: the transport did not open, or no handshake followed. */
    public synchronized long failedAttempts() {
        return failedAttempts;
    }

    /** The message of the last failed attempt, null if none failed. */
    public synchronized String lastFailure() {
        return lastFailure;
    }

    @Override
    public void close() {
        BridgeLink l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            l = link;
            link = null;
        }
        checker.close();
        if (l != null) {
            l.close();
        }
    }

    @Override
    public synchronized String toString() {
        return "ReconnectingBridge["
                + name
                + ", "
                + (link == null ? "disconnected" : link.state())
                + ", connections "
                + connections
                + "]";
    }
}
