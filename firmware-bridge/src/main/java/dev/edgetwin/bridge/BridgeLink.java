package dev.edgetwin.bridge;

import java.util.Objects;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * Supervises one link to the MCU over one {@link Transport}: the hello handshake, heartbeats both
 * ways, link-loss detection, command staleness, clamping and rate limiting of velocity commands,
 * sequence numbering and checking, and stop confirmation from odometry. Reconnecting is the owner's
 * job: a lost link stays lost; open a new transport and a new link.
 *
 * <p>Rules (docs/firmware-protocol.md, "Supervision"):
 *
 * <ul>
 *   <li>On {@link #open}: sends a hello and resends it every heartbeat period until the MCU's hello
 *       arrives; no hello within {@code handshakeTimeout} is {@code HANDSHAKE_TIMEOUT}; a hello
 *       naming another protocol version is {@code VERSION_MISMATCH}. Either is terminal.
 *   <li>Every control period: a heartbeat when one is due; while {@link State#READY} with a caller
 *       command, one velocity command: the caller's target clamped to the limits (vy forced to 0
 *       unless the MCU announced {@code HOLONOMIC}), then moved towards from the last command sent
 *       by at most {@code acceleration * controlPeriod} per axis.
 *   <li>Stops (a controlled stop, resent every control period until confirmed): when no valid frame
 *       arrived for {@code linkTimeout} or the transport closed ({@code LINK_LOST}), when the
 *       caller's command is older than {@code commandMaxAge} ({@code COMMAND_STALE}), on {@link
 *       #reportFault} ({@code CALLER_FAULT}). A stop is never assumed: {@code STOP_CONFIRMED} once
 *       odometry received after the stop shows standstill, {@code STOP_NOT_CONFIRMED} if none does
 *       within {@code stopConfirmTimeout}. After a stop the link ignores commands until {@link
 *       #resume}.
 *   <li>Outgoing sequence numbers increase by one per frame and wrap 65535 to 0. Incoming frames
 *       whose sequence number is not newer than the last accepted one (16-bit wrap-around
 *       comparison) are dropped and counted; a hello restarts the window.
 * </ul>
 *
 * <p>Threads: {@link #command}, {@link #reportFault}, {@link #resume} and the getters from any
 * thread; received frames on the transport's delivering thread; the control tick on the clock's
 * thread. All are serialised on this object. The listener is called with that lock held: it must
 * not block.
 */
public final class BridgeLink implements AutoCloseable {

    /** Where the link stands. */
    public enum State {
        /** Hello sent, waiting for the MCU's. */
        HANDSHAKE,
        /** Connected; caller commands are forwarded. */
        READY,
        /** A stop was sent and odometry has not confirmed it yet. */
        STOPPING,
        /** Stopped (confirmed or not, see the events); waiting for {@link #resume}. */
        STOPPED,
        /** The link was lost; terminal. */
        LOST,
        /** The handshake failed; terminal. */
        FAILED,
        /** {@link #close()} was called; terminal. */
        CLOSED
    }

    private final Transport transport;
    private final BridgeConfig config;
    private final LinkClock clock;
    private final Consumer<LinkEvent> listener;
    private final SequenceWindow incoming = new SequenceWindow();
    private final long controlNanos;
    private LinkClock.Periodic ticker;

    private State state = State.HANDSHAKE;
    private int nextSequence;
    private long openedAt;
    private long lastReceivedAt;
    private long lastHeartbeatAt;
    private Message.Hello firmwareHello;
    private Message.Odometry lastOdometry;
    private Message.Battery lastBattery;
    private int lastFaults;
    private long nacks;
    private long framesSent;

    private boolean hasTarget;
    private long targetAt;
    private double targetVx;
    private double targetVy;
    private double targetWz;
    private Message.VelocityCommand lastCommand = new Message.VelocityCommand(0, 0, 0);

    private boolean stopPending;
    private long stopSentAt;

    private BridgeLink(
            Transport transport, BridgeConfig config, LinkClock clock, Consumer<LinkEvent> l) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(l, "listener");
        this.controlNanos = config.controlPeriod().toNanos();
    }

    /**
     * Starts the transport, sends a hello and starts the control tick on {@code clock}. The link
     * owns the transport from here on and closes it on {@link #close()}.
     *
     * @param listener receives every {@link LinkEvent}, under the link's lock
     */
    public static BridgeLink open(
            Transport transport,
            BridgeConfig config,
            LinkClock clock,
            Consumer<LinkEvent> listener) {
        BridgeLink link = new BridgeLink(transport, config, clock, listener);
        synchronized (link) {
            link.openedAt = clock.nanoTime();
            link.lastReceivedAt = link.openedAt;
            transport.start(
                    new Transport.Listener() {
                        @Override
                        public void onEnvelope(Envelope envelope) {
                            link.received(envelope);
                        }

                        @Override
                        public void onClosed(TransportException cause) {
                            link.transportClosed(cause);
                        }
                    });
            link.sendHello();
            link.ticker = clock.every(config.controlPeriod(), link::tick);
        }
        return link;
    }

    /**
     * The caller's latest target twist (body frame, m/s and rad/s); latest wins. It is clamped and
     * rate-limited when sent on the next control tick, and must be refreshed within {@code
     * commandMaxAge}.
     *
     * @return whether it was taken: false unless {@link State#READY}
     */
    public synchronized boolean command(double vx, double vy, double wz) {
        if (!Double.isFinite(vx) || !Double.isFinite(vy) || !Double.isFinite(wz)) {
            throw new IllegalArgumentException(
                    "command (" + vx + ", " + vy + ", " + wz + ") must be finite");
        }
        if (state != State.READY) {
            return false;
        }
        hasTarget = true;
        targetAt = clock.nanoTime();
        targetVx = vx;
        targetVy = vy;
        targetWz = wz;
        return true;
    }

    /** A fault upstream (planner, vision): stop and report {@code CALLER_FAULT}. */
    public synchronized void reportFault(String source) {
        Objects.requireNonNull(source, "source");
        if (state == State.READY || state == State.STOPPING || state == State.STOPPED) {
            beginStop(LinkEvent.Kind.CALLER_FAULT, "caller reported a fault: " + source);
        }
    }

    /**
     * Accepts commands again after a stop (the caller has handled the fault); the rate limiter
     * starts from standstill.
     *
     * @return false unless the link was {@link State#STOPPED} or {@link State#STOPPING}
     */
    public synchronized boolean resume() {
        if (state != State.STOPPED && state != State.STOPPING) {
            return false;
        }
        state = State.READY;
        stopPending = false;
        hasTarget = false;
        lastCommand = new Message.VelocityCommand(0, 0, 0);
        Logger.info("Bridge link resumed");
        return true;
    }

    /** Latches the MCU's emergency stop (and stops this link's commands until {@link #resume}). */
    public synchronized void emergencyStop(int reason) {
        sendQuietly(new Message.EStopLatch(reason));
        if (state == State.READY) {
            hasTarget = false;
            state = State.STOPPED;
        }
    }

    /** Asks the MCU to clear its latched emergency stop; the answer comes as an ack or nack. */
    public synchronized void resetEmergencyStop() {
        sendQuietly(new Message.EStopReset());
    }

    public synchronized State state() {
        return state;
    }

    /** The MCU's hello, null before the handshake. */
    public synchronized Message.Hello firmwareHello() {
        return firmwareHello;
    }

    /** The latest odometry, null before any. */
    public synchronized Message.Odometry lastOdometry() {
        return lastOdometry;
    }

    /** The latest battery report, null before any. */
    public synchronized Message.Battery lastBattery() {
        return lastBattery;
    }

    /** The last velocity command sent (after clamping and rate limiting). */
    public synchronized Message.VelocityCommand lastCommand() {
        return lastCommand;
    }

    /** Incoming frames dropped as old or duplicate. */
    public synchronized long staleFramesRejected() {
        return incoming.rejected();
    }

    /** Nacks received. */
    public synchronized long nacks() {
        return nacks;
    }

    /** Frames sent. */
    public synchronized long framesSent() {
        return framesSent;
    }

    /** The sequence number the next frame will carry. */
    public synchronized int nextSequence() {
        return nextSequence;
    }

    /** For tests of the wrap-around: the sequence number of the next frame. */
    synchronized void setNextSequence(int sequence) {
        nextSequence = sequence & 0xFFFF;
    }

    @Override
    public void close() {
        LinkClock.Periodic t;
        synchronized (this) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
            t = ticker;
        }
        if (t != null) {
            t.close();
        }
        transport.close();
    }

    // ---- control tick ----

    private synchronized void tick() {
        long now = clock.nanoTime();
        switch (state) {
            case CLOSED, FAILED -> {
                return;
            }
            case HANDSHAKE -> {
                if (now - openedAt >= config.handshakeTimeout().toNanos()) {
                    state = State.FAILED;
                    emit(
                            LinkEvent.Kind.HANDSHAKE_TIMEOUT,
                            "expected the MCU's hello within "
                                    + config.handshakeTimeout()
                                    + ", found none");
                } else if (now - lastHeartbeatAt >= config.heartbeatPeriod().toNanos()) {
                    sendHello();
                }
                return;
            }
            default -> {}
        }
        if (state != State.LOST && now - lastReceivedAt >= config.linkTimeout().toNanos()) {
            linkLost(
                    "expected a frame from the MCU at least every "
                            + config.linkTimeout().toMillis()
                            + " ms, found none for "
                            + (now - lastReceivedAt) / 1_000_000
                            + " ms");
        }
        if (now - lastHeartbeatAt >= config.heartbeatPeriod().toNanos()) {
            lastHeartbeatAt = now;
            sendQuietly(new Message.Heartbeat((now / 1_000_000) & 0xFFFFFFFFL));
        }
        if (state == State.READY && hasTarget) {
            if (now - targetAt > config.commandMaxAge().toNanos()) {
                beginStop(
                        LinkEvent.Kind.COMMAND_STALE,
                        "expected a caller command at least every "
                                + config.commandMaxAge().toMillis()
                                + " ms, the last is "
                                + (now - targetAt) / 1_000_000
                                + " ms old");
            } else {
                sendQuietly(nextCommand());
            }
        }
        if (stopPending) {
            if (now - stopSentAt >= config.stopConfirmTimeout().toNanos()) {
                stopPending = false;
                if (state == State.STOPPING) {
                    state = State.STOPPED;
                }
                emit(
                        LinkEvent.Kind.STOP_NOT_CONFIRMED,
                        "expected odometry showing standstill within "
                                + config.stopConfirmTimeout()
                                + " of the stop, found "
                                + (lastOdometry == null ? "no odometry" : lastOdometry));
            } else if (now != stopSentAt) {
                sendQuietly(new Message.ControlledStop(config.stopDeceleration()));
            }
        }
    }

    private Message.VelocityCommand nextCommand() {
        boolean holonomic =
                firmwareHello != null
                        && (firmwareHello.capabilities() & Message.Hello.CAP_HOLONOMIC) != 0;
        double dt = controlNanos / 1e9;
        double dv = config.maxLinearAcceleration() * dt;
        double dw = config.maxAngularAcceleration() * dt;
        double vx = step(lastCommand.vx(), clamp(targetVx, config.maxVx()), dv);
        double vy = holonomic ? step(lastCommand.vy(), clamp(targetVy, config.maxVy()), dv) : 0.0;
        double wz = step(lastCommand.wz(), clamp(targetWz, config.maxWz()), dw);
        lastCommand = new Message.VelocityCommand(vx, vy, wz);
        return lastCommand;
    }

    static double clamp(double v, double limit) {
        return Math.max(-limit, Math.min(limit, v));
    }

    static double step(double from, double to, double maxStep) {
        return from + Math.max(-maxStep, Math.min(maxStep, to - from));
    }

    private void beginStop(LinkEvent.Kind why, String detail) {
        if (state == State.READY) {
            state = State.STOPPING;
        }
        hasTarget = false;
        stopPending = true;
        stopSentAt = clock.nanoTime();
        lastCommand = new Message.VelocityCommand(0, 0, 0);
        sendQuietly(new Message.ControlledStop(config.stopDeceleration()));
        emit(why, detail);
    }

    private void linkLost(String detail) {
        Logger.warn("Bridge link lost: {}", detail);
        state = State.LOST; // first: a failing send inside beginStop must not report twice
        beginStop(LinkEvent.Kind.LINK_LOST, detail);
    }

    // ---- receiving ----

    private synchronized void received(Envelope envelope) {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        long now = clock.nanoTime();
        Message m = envelope.message();
        if (m instanceof Message.Hello hello) {
            incoming.reset();
            incoming.accept(envelope.sequence());
            lastReceivedAt = now;
            if (hello.protocolVersion() != Message.Hello.PROTOCOL_VERSION) {
                state = State.FAILED;
                emit(
                        LinkEvent.Kind.VERSION_MISMATCH,
                        "expected protocol version "
                                + Message.Hello.PROTOCOL_VERSION
                                + ", the MCU speaks "
                                + hello.protocolVersion());
                return;
            }
            firmwareHello = hello;
            if (state == State.HANDSHAKE) {
                state = State.READY;
                lastHeartbeatAt = now;
                Logger.info(
                        "Bridge link connected: firmware {}.{}.{}, capabilities 0x{}",
                        hello.versionMajor(),
                        hello.versionMinor(),
                        hello.versionPatch(),
                        Integer.toHexString(hello.capabilities()));
                emit(LinkEvent.Kind.CONNECTED, "firmware " + hello);
            }
            return;
        }
        if (state == State.HANDSHAKE) {
            return; // nothing counts before the hello
        }
        if (!incoming.accept(envelope.sequence())) {
            return;
        }
        lastReceivedAt = now;
        if (m instanceof Message.Odometry odometry) {
            lastOdometry = odometry;
            if (stopPending && standstill(odometry)) {
                stopPending = false;
                if (state == State.STOPPING) {
                    state = State.STOPPED;
                }
                emit(
                        LinkEvent.Kind.STOP_CONFIRMED,
                        "standstill after " + (now - stopSentAt) / 1_000_000 + " ms");
            }
        } else if (m instanceof Message.Battery battery) {
            lastBattery = battery;
        } else if (m instanceof Message.Faults faults) {
            if (faults.active() != lastFaults) {
                lastFaults = faults.active();
                emit(
                        LinkEvent.Kind.MCU_FAULTS,
                        "active 0x"
                                + Integer.toHexString(faults.active())
                                + ", code "
                                + faults.code());
            }
        } else if (m instanceof Message.Nack nack) {
            nacks++;
            emit(LinkEvent.Kind.NACKED, "sequence " + nack.sequence() + ": " + nack.reason());
        }
    }

    private boolean standstill(Message.Odometry o) {
        double tol = config.standstillTolerance();
        return Math.abs(o.vx()) <= tol && Math.abs(o.vy()) <= tol && Math.abs(o.wz()) <= tol;
    }

    private synchronized void transportClosed(TransportException cause) {
        if (state == State.CLOSED || state == State.LOST || state == State.FAILED) {
            return;
        }
        linkLost("transport closed" + (cause == null ? "" : ": " + cause.getMessage()));
    }

    // ---- sending ----

    private void sendHello() {
        lastHeartbeatAt = clock.nanoTime();
        sendQuietly(
                new Message.Hello(Message.Hello.PROTOCOL_VERSION, 0, 1, 0, config.capabilities()));
    }

    /** Sends; a failed send means the transport is gone, which is link loss (reported once). */
    private void sendQuietly(Message message) {
        int sequence = nextSequence;
        nextSequence = SequenceWindow.next(nextSequence);
        try {
            transport.send(new Envelope(sequence, message));
            framesSent++;
        } catch (TransportException e) {
            if (state != State.LOST && state != State.CLOSED && state != State.FAILED) {
                if (state == State.HANDSHAKE) {
                    state = State.FAILED;
                    emit(LinkEvent.Kind.LINK_LOST, "sending the hello failed: " + e.getMessage());
                } else {
                    state = State.LOST;
                    stopPending = true;
                    stopSentAt = clock.nanoTime();
                    emit(LinkEvent.Kind.LINK_LOST, "sending failed: " + e.getMessage());
                }
            }
        }
    }

    private void emit(LinkEvent.Kind kind, String detail) {
        if (kind.isFault()) {
            Logger.warn("Bridge link {}: {}", kind, detail);
        }
        listener.accept(new LinkEvent(kind, detail, clock.nanoTime()));
    }

    @Override
    public String toString() {
        return "BridgeLink[" + state + ", " + transport + "]";
    }
}
