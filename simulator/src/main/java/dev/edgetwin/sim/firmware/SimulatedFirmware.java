package dev.edgetwin.sim.firmware;

import dev.edgetwin.bridge.Envelope;
import dev.edgetwin.bridge.FrameCodec;
import dev.edgetwin.bridge.LinkClock;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.bridge.SequenceWindow;
import dev.edgetwin.bridge.Transport;
import dev.edgetwin.bridge.TransportException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import org.tinylog.Logger;

/**
 * A simulated motor controller (MCU) driving a differential-drive base, speaking firmware protocol
 * v1 over any {@link dev.edgetwin.bridge.Transport} (in-memory pair, TCP). It is authoritative the
 * way the real MCU is: its command watchdog stops the motors at once when no valid velocity command
 * or controlled stop arrives within {@link FirmwareConfig#watchdogTimeout()}, whatever the host
 * does; its e-stop stays latched until an explicit reset.
 *
 * <p>Time comes from a {@link LinkClock}: the firmware loop runs every {@link
 * FirmwareConfig#tickPeriod()} on the clock's thread; received frames are handled on the
 * transport's delivering thread; both are serialised on this object, as are the getters and the
 * fault-injection setters (any thread).
 *
 * <p>Injectable faults: corrupted outgoing frames (a bit flipped after the CRC was computed),
 * dropped incoming and outgoing frames, delayed outgoing frames, a disconnect, a stuck wheel.
 */
public final class SimulatedFirmware implements AutoCloseable {
    /** Firmware version announced in the hello. */
    public static final int VERSION_MAJOR = 1;

    /** What the firmware reports to an observer (tests, the stop matrix). */
    public enum Event {
        /** The watchdog expired and the motors were stopped. */
        WATCHDOG_STOP,
        /** Both wheels came to rest after moving. */
        STANDSTILL,
        /** The e-stop latched. */
        ESTOP_LATCHED,
        /** The e-stop was reset. */
        ESTOP_RESET,
        /** The transport closed (host gone, cable pulled, injected disconnect). */
        LINK_CLOSED
    }

    /** A wheel, for {@link #setStuckWheel}. */
    public enum Wheel {
        LEFT,
        RIGHT
    }

    private final FirmwareConfig config;
    private final LinkClock clock;
    private final Random random;
    private final long startNanos;
    private final SequenceWindow incoming = new SequenceWindow();
    private final ArrayDeque<Delayed> delayed = new ArrayDeque<>();
    private Consumer<Event> observer = e -> {};
    private LinkClock.Periodic loop;
    private Transport transport;

    private int nextSequence;
    private boolean helloReceived;
    private long lastValidCommandAt;
    private boolean commandActive;
    private boolean estop;
    private int faults;
    private int lastFaultCode;
    private int reportedFaults;

    // base state
    private double targetV;
    private double targetW;
    private double decelOverride;
    private double v;
    private double w;
    private double x;
    private double y;
    private double yaw;
    private boolean moving;
    private double stateOfCharge = 1.0;
    private double current;

    // schedules
    private long lastOdometryAt;
    private long lastHeartbeatAt;
    private long lastBatteryAt;

    // fault injection
    private double corruptOutgoing;
    private double dropOutgoing;
    private double dropIncoming;
    private long delayOutgoingNanos;
    private Wheel stuckWheel;

    // counters
    private long commandsAccepted;
    private long commandsRefused;
    private long watchdogStops;
    private long framesCorrupted;

    public SimulatedFirmware(FirmwareConfig config, LinkClock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = new Random(config.seed());
        this.startNanos = clock.nanoTime();
        this.lastValidCommandAt = startNanos;
        this.loop = clock.every(config.tickPeriod(), this::tick);
    }

    /** Receives {@link Event}s, called with this firmware's lock held; must not block. */
    public synchronized void setObserver(Consumer<Event> observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Speaks over {@code transport} from now on (owned by the firmware until it closes); a previous
     * transport is closed. The host must send a hello first.
     */
    public synchronized void attach(Transport newTransport) {
        if (loop == null) {
            throw new IllegalStateException("simulated firmware is closed");
        }
        if (transport != null) {
            transport.close();
        }
        transport = Objects.requireNonNull(newTransport, "transport");
        helloReceived = false;
        incoming.reset();
        delayed.clear();
        Transport t = newTransport;
        t.start(
                new Transport.Listener() {
                    @Override
                    public void onEnvelope(Envelope envelope) {
                        received(t, envelope);
                    }

                    @Override
                    public void onClosed(TransportException cause) {
                        linkClosed(t, cause);
                    }
                });
    }

    // ---- fault injection ----

    /** Probability that an outgoing frame has one bit flipped after its CRC was computed. */
    public synchronized void setCorruptOutgoing(double probability) {
        corruptOutgoing = probability("corruptOutgoing", probability);
    }

    /** Probability that an outgoing frame is not sent. */
    public synchronized void setDropOutgoing(double probability) {
        dropOutgoing = probability("dropOutgoing", probability);
    }

    /** Probability that a received frame is ignored as if never received. */
    public synchronized void setDropIncoming(double probability) {
        dropIncoming = probability("dropIncoming", probability);
    }

    /** Holds every outgoing frame for this many ms (sent by the firmware loop when due). */
    public synchronized void setDelayOutgoingMillis(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("delayOutgoingMillis = " + millis + " must be >= 0");
        }
        delayOutgoingNanos = millis * 1_000_000;
    }

    /** A wheel that does not turn whatever it is commanded (null: none); raises MOTOR_STALLED. */
    public synchronized void setStuckWheel(Wheel wheel) {
        stuckWheel = wheel;
    }

    /** Drops the connection as a pulled cable or a crashed peer would. */
    public synchronized void disconnect() {
        if (transport != null) {
            transport.close();
        }
    }

    // ---- observation ----

    /** Actual forward speed of the base, m/s. */
    public synchronized double linearVelocity() {
        return v;
    }

    /** Actual yaw rate of the base, rad/s. */
    public synchronized double angularVelocity() {
        return w;
    }

    /** True pose {x, y, yaw} (m, m, rad). */
    public synchronized double[] pose() {
        return new double[] {x, y, yaw};
    }

    public synchronized boolean estopLatched() {
        return estop;
    }

    /** Active fault bits ({@link Message.Faults} constants). */
    public synchronized int faults() {
        return faults;
    }

    public synchronized double stateOfCharge() {
        return stateOfCharge;
    }

    public synchronized long commandsAccepted() {
        return commandsAccepted;
    }

    public synchronized long commandsRefused() {
        return commandsRefused;
    }

    /** Clock time ({@link LinkClock#nanoTime()}) of the last valid velocity command or stop. */
    public synchronized long lastValidCommandNanos() {
        return lastValidCommandAt;
    }

    public synchronized long watchdogStops() {
        return watchdogStops;
    }

    /** Received frames dropped as corrupt (the transport decoder's count) or old/duplicate. */
    public synchronized long framesRejected() {
        return (transport == null ? 0 : transport.decoder().errors()) + incoming.rejected();
    }

    /** Outgoing frames corrupted by fault injection. */
    public synchronized long framesCorrupted() {
        return framesCorrupted;
    }

    @Override
    public void close() {
        LinkClock.Periodic l;
        Transport t;
        synchronized (this) {
            l = loop;
            t = transport;
            loop = null;
            transport = null;
        }
        if (l != null) {
            l.close();
        }
        if (t != null) {
            t.close();
        }
    }

    // ---- firmware loop ----

    private synchronized void tick() {
        if (loop == null) {
            return;
        }
        long now = clock.nanoTime();
        double dt = config.tickPeriod().toNanos() / 1e9;
        if (commandActive
                && now - lastValidCommandAt > config.watchdogTimeout().toNanos()
                && targetV == 0
                && targetW == 0
                && v == 0
                && w == 0) {
            commandActive = false; // stopped as commanded (a controlled stop): nothing to do
        }
        if (commandActive && now - lastValidCommandAt > config.watchdogTimeout().toNanos()) {
            commandActive = false;
            stopMotors();
            watchdogStops++;
            raise(Message.Faults.COMMAND_TIMEOUT, 0x0105);
            Logger.info("Simulated firmware: command watchdog expired, motors stopped");
            observer.accept(Event.WATCHDOG_STOP);
        }
        integrate(dt);
        flushDelayed(now);
        if (transport == null || !helloReceived) {
            return;
        }
        if (now - lastOdometryAt >= config.odometryPeriod().toNanos()) {
            lastOdometryAt = now;
            send(odometry(now));
        }
        if (now - lastHeartbeatAt >= config.heartbeatPeriod().toNanos()) {
            lastHeartbeatAt = now;
            send(new Message.Heartbeat(uptimeMillis(now)));
            if (faults != 0) {
                send(new Message.Faults(faults, lastFaultCode));
            }
        }
        if (now - lastBatteryAt >= config.batteryPeriod().toNanos()) {
            lastBatteryAt = now;
            double voltage = 21.0 + 4.2 * stateOfCharge - 0.05 * current;
            send(new Message.Battery(voltage, current, stateOfCharge));
        }
        if (faults != reportedFaults) {
            reportedFaults = faults;
            send(new Message.Faults(faults, lastFaultCode));
        }
    }

    private void integrate(double dt) {
        double decel = decelOverride > 0 ? decelOverride : config.maxLinearAcceleration();
        double accel = Math.abs(targetV) < Math.abs(v) ? decel : config.maxLinearAcceleration();
        v = approach(v, targetV, accel * dt);
        w = approach(w, targetW, config.maxAngularAcceleration() * dt);
        if (stuckWheel != null) {
            double half = config.trackWidth() / 2;
            double left = v - w * half;
            double right = v + w * half;
            if (left != 0 || right != 0) {
                raise(Message.Faults.MOTOR_STALLED, 0x0201);
            }
            if (stuckWheel == Wheel.LEFT) {
                left = 0;
            } else {
                right = 0;
            }
            v = (left + right) / 2;
            w = (right - left) / config.trackWidth();
        }
        x += v * Math.cos(yaw) * dt;
        y += v * Math.sin(yaw) * dt;
        yaw = Math.IEEEremainder(yaw + w * dt, 2 * Math.PI);
        boolean nowMoving = v != 0 || w != 0;
        if (moving && !nowMoving) {
            observer.accept(Event.STANDSTILL);
        }
        moving = nowMoving;
        current =
                config.idleCurrent()
                        + config.currentPerSpeed()
                                * (Math.abs(v) + Math.abs(w) * config.trackWidth() / 2);
        stateOfCharge =
                Math.max(0, stateOfCharge - current * dt / (config.batteryCapacityAh() * 3600));
    }

    private Message.Odometry odometry(long now) {
        double half = config.trackWidth() / 2;
        double left = measured(v - w * half);
        double right = measured(v + w * half);
        double mv = (left + right) / 2;
        double mw = (right - left) / config.trackWidth();
        return new Message.Odometry(uptimeMillis(now), x, y, wrapForWire(yaw), mv, 0, mw);
    }

    private double measured(double wheelSpeed) {
        if (wheelSpeed == 0 || config.odometryNoise() == 0) {
            return wheelSpeed;
        }
        return wheelSpeed * (1 + config.odometryNoise() * random.nextGaussian());
    }

    private static double wrapForWire(double yaw) {
        return Math.max(-3.2768, Math.min(3.2767, yaw));
    }

    private static double approach(double from, double to, double maxStep) {
        return from + Math.max(-maxStep, Math.min(maxStep, to - from));
    }

    private void stopMotors() {
        targetV = 0;
        targetW = 0;
        v = 0;
        w = 0;
    }

    private void raise(int bit, int code) {
        faults |= bit;
        lastFaultCode = code;
    }

    private long uptimeMillis(long now) {
        return ((now - startNanos) / 1_000_000) & 0xFFFFFFFFL;
    }

    // ---- receiving ----

    private synchronized void received(Transport from, Envelope envelope) {
        if (from != transport) {
            return;
        }
        if (dropIncoming > 0 && random.nextDouble() < dropIncoming) {
            return;
        }
        long now = clock.nanoTime();
        Message m = envelope.message();
        int seq = envelope.sequence();
        if (m instanceof Message.Hello hello) {
            incoming.reset();
            incoming.accept(seq);
            helloReceived = true;
            long t = clock.nanoTime();
            lastHeartbeatAt = t;
            Logger.info(
                    "Simulated firmware: hello from host, protocol {}", hello.protocolVersion());
            send(
                    new Message.Hello(
                            Message.Hello.PROTOCOL_VERSION,
                            VERSION_MAJOR,
                            0,
                            0,
                            Message.Hello.CAP_ODOMETRY
                                    | Message.Hello.CAP_BATTERY
                                    | Message.Hello.CAP_FAULTS
                                    | Message.Hello.CAP_STOP_DECELERATION));
            return;
        }
        boolean isCommand =
                m instanceof Message.VelocityCommand
                        || m instanceof Message.ControlledStop
                        || m instanceof Message.EStopLatch
                        || m instanceof Message.EStopReset;
        if (!helloReceived) {
            if (isCommand) {
                refuse(seq, Message.Nack.Reason.NOT_READY);
            }
            return;
        }
        if (!incoming.accept(seq)) {
            if (isCommand) {
                refuse(seq, Message.Nack.Reason.STALE_SEQUENCE);
            }
            return;
        }
        if (m instanceof Message.VelocityCommand cmd) {
            if (estop) {
                refuse(seq, Message.Nack.Reason.ESTOP_LATCHED);
            } else if (cmd.vy() != 0) {
                refuse(seq, Message.Nack.Reason.NOT_HOLONOMIC);
            } else {
                targetV = clamp(cmd.vx(), config.maxLinearSpeed());
                targetW = clamp(cmd.wz(), config.maxAngularSpeed());
                decelOverride = 0;
                validCommand(now, seq);
            }
        } else if (m instanceof Message.ControlledStop stop) {
            targetV = 0;
            targetW = 0;
            decelOverride = stop.deceleration();
            validCommand(now, seq);
        } else if (m instanceof Message.EStopLatch latch) {
            estop = true;
            stopMotors();
            raise(Message.Faults.ESTOP_LATCHED, latch.reason());
            commandsAccepted++;
            send(new Message.Ack(seq));
            Logger.info("Simulated firmware: e-stop latched, reason {}", latch.reason());
            observer.accept(Event.ESTOP_LATCHED);
        } else if (m instanceof Message.EStopReset) {
            boolean wasLatched = estop;
            estop = false;
            faults &= ~Message.Faults.ESTOP_LATCHED;
            commandsAccepted++;
            send(new Message.Ack(seq));
            if (wasLatched) {
                Logger.info("Simulated firmware: e-stop reset");
                observer.accept(Event.ESTOP_RESET);
            }
        }
    }

    private void validCommand(long now, int seq) {
        lastValidCommandAt = now;
        commandActive = true;
        faults &= ~Message.Faults.COMMAND_TIMEOUT;
        commandsAccepted++;
        send(new Message.Ack(seq));
    }

    private void refuse(int seq, Message.Nack.Reason reason) {
        commandsRefused++;
        send(new Message.Nack(seq, reason));
    }

    private static double clamp(double value, double limit) {
        return Math.max(-limit, Math.min(limit, value));
    }

    private synchronized void linkClosed(Transport from, TransportException cause) {
        if (from != transport) {
            return;
        }
        transport = null;
        helloReceived = false;
        delayed.clear();
        Logger.info(
                "Simulated firmware: link closed{}",
                cause == null ? "" : " (" + cause.getMessage() + ")");
        observer.accept(Event.LINK_CLOSED);
        // the watchdog, not the link state, stops the motors: as on the real MCU
    }

    // ---- sending ----

    private void send(Message message) {
        if (transport == null) {
            return;
        }
        int seq = nextSequence;
        nextSequence = SequenceWindow.next(nextSequence);
        if (dropOutgoing > 0 && random.nextDouble() < dropOutgoing) {
            return;
        }
        byte[] frame = FrameCodec.encode(new Envelope(seq, message));
        if (corruptOutgoing > 0 && random.nextDouble() < corruptOutgoing) {
            int i = random.nextInt(frame.length - 1); // keep the delimiter
            frame[i] ^= (byte) (1 << random.nextInt(8));
            framesCorrupted++;
        }
        if (delayOutgoingNanos > 0) {
            delayed.add(new Delayed(clock.nanoTime() + delayOutgoingNanos, frame));
            return;
        }
        write(frame);
    }

    private void flushDelayed(long now) {
        while (!delayed.isEmpty() && delayed.peek().dueNanos - now <= 0) {
            write(delayed.poll().frame);
        }
    }

    private void write(byte[] frame) {
        try {
            transport.sendRaw(frame);
        } catch (TransportException e) {
            Logger.debug("Simulated firmware: send failed: {}", e.getMessage());
        }
    }

    private static double probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " = " + p + " is outside [0, 1]");
        }
        return p;
    }

    private record Delayed(long dueNanos, byte[] frame) {}

    @Override
    public synchronized String toString() {
        return "SimulatedFirmware[v="
                + v
                + ", w="
                + w
                + ", estop="
                + estop
                + ", faults=0x"
                + Integer.toHexString(faults)
                + "]";
    }
}
