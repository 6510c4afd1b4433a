package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.bridge.BridgeConfig;
import dev.edgetwin.bridge.BridgeLink;
import dev.edgetwin.bridge.Envelope;
import dev.edgetwin.bridge.FrameCodec;
import dev.edgetwin.bridge.InMemoryTransport;
import dev.edgetwin.bridge.LinkEvent;
import dev.edgetwin.bridge.ManualClock;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.bridge.SequenceWindow;
import dev.edgetwin.bridge.Transport;
import dev.edgetwin.bridge.TransportException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulated firmware on a manual clock over the in-memory pair; the test plays the host. */
class SimulatedFirmwareTest {
    private static final long MS = 1_000_000;

    private final ManualClock clock = new ManualClock();
    private final InMemoryTransport.Pair pair = InMemoryTransport.pair();
    private final FirmwareConfig config = FirmwareConfig.defaults();
    private final SimulatedFirmware firmware = new SimulatedFirmware(config, clock);
    private final List<Envelope> atHost = new ArrayList<>();
    private final List<SimulatedFirmware.Event> events = new ArrayList<>();
    private final List<Long> eventTimes = new ArrayList<>();
    private int hostSeq;

    SimulatedFirmwareTest() {
        clock.afterEachInstant(pair::pump);
        firmware.setObserver(
                e -> {
                    events.add(e);
                    eventTimes.add(clock.nanoTime());
                });
        firmware.attach(pair.device());
    }

    private void startHost() {
        pair.host()
                .start(
                        new Transport.Listener() {
                            @Override
                            public void onEnvelope(Envelope e) {
                                atHost.add(e);
                            }

                            @Override
                            public void onClosed(TransportException cause) {}
                        });
    }

    private int hostSend(Message m) {
        int seq = hostSeq;
        hostSeq = SequenceWindow.next(hostSeq);
        try {
            pair.host().send(new Envelope(seq, m));
        } catch (TransportException e) {
            throw new AssertionError(e);
        }
        pair.pump();
        return seq;
    }

    private void hello() {
        startHost();
        hostSend(new Message.Hello(1, 0, 1, 0, 0));
    }

    /** Host commanding (vx, wz) every 20 ms for {@code millis}. */
    private void drive(double vx, double wz, long millis) {
        for (long t = 0; t < millis; t += 20) {
            hostSend(new Message.VelocityCommand(vx, 0, wz));
            clock.advanceMillis(20);
        }
    }

    private <T extends Message> List<T> atHost(Class<T> type) {
        return atHost.stream()
                .map(Envelope::message)
                .filter(type::isInstance)
                .map(type::cast)
                .collect(Collectors.toList());
    }

    @AfterEach
    void close() {
        firmware.close();
        firmware.close();
    }

    @Test
    void answersHelloAndRespectsVelocityAndAccelerationLimits() {
        hello();
        Message.Hello h = atHost(Message.Hello.class).get(0);
        assertEquals(1, h.protocolVersion());
        assertEquals(0, h.capabilities() & Message.Hello.CAP_HOLONOMIC);
        double previous = 0;
        for (int i = 0; i < 100; i++) {
            drive(5.0, 0, 20);
            double v = firmware.linearVelocity();
            assertTrue(v - previous <= config.maxLinearAcceleration() * 0.020 + 1e-9, "step " + i);
            previous = v;
        }
        assertEquals(config.maxLinearSpeed(), firmware.linearVelocity(), 1e-9);
        assertTrue(firmware.pose()[0] > 1.0, "moved forward: " + firmware.pose()[0]);
        assertEquals(0, firmware.pose()[1], 1e-9);
        assertTrue(atHost(Message.Ack.class).size() >= 100);
        assertTrue(atHost(Message.Odometry.class).size() >= 90);
        Message.Odometry last =
                atHost(Message.Odometry.class).get(atHost(Message.Odometry.class).size() - 1);
        assertEquals(config.maxLinearSpeed(), last.vx(), 0.001, "exact odometry without noise");
    }

    @Test
    void refusesCommandsBeforeHelloAndSidewaysMotion() {
        startHost();
        int seq = hostSend(new Message.VelocityCommand(0.5, 0, 0));
        clock.advanceMillis(50);
        assertEquals(
                List.of(new Message.Nack(seq, Message.Nack.Reason.NOT_READY)),
                atHost(Message.Nack.class));
        hostSend(new Message.Hello(1, 0, 1, 0, 0));
        seq = hostSend(new Message.VelocityCommand(0.5, 0.1, 0));
        assertTrue(
                atHost(Message.Nack.class)
                        .contains(new Message.Nack(seq, Message.Nack.Reason.NOT_HOLONOMIC)));
        assertEquals(0, firmware.linearVelocity());
    }

    @Test
    void watchdogStopsTheBaseWhenTheHostIsKilled() {
        hello();
        drive(0.8, 0.5, 1_000);
        assertTrue(firmware.linearVelocity() > 0.7);
        long lastCommand = clock.nanoTime() - 20 * MS;
        // "SIGKILL": the daemon vanishes without a stop and without closing anything
        clock.advanceMillis(1_000);
        assertEquals(0.0, firmware.linearVelocity());
        assertEquals(0.0, firmware.angularVelocity());
        int i = events.indexOf(SimulatedFirmware.Event.WATCHDOG_STOP);
        long stoppedAfter = eventTimes.get(i) - lastCommand;
        assertTrue(stoppedAfter > config.watchdogTimeout().toNanos(), stoppedAfter / MS + " ms");
        assertTrue(
                stoppedAfter <= config.watchdogTimeout().plus(config.tickPeriod()).toNanos(),
                stoppedAfter / MS + " ms");
        assertEquals(1, firmware.watchdogStops());
        assertTrue((firmware.faults() & Message.Faults.COMMAND_TIMEOUT) != 0);
        assertTrue(
                atHost(Message.Faults.class).stream()
                        .anyMatch(f -> (f.active() & Message.Faults.COMMAND_TIMEOUT) != 0));
    }

    @Test
    void watchdogStopsTheBaseWhenTheLinkDrops() {
        hello();
        drive(0.8, 0, 1_000);
        long lastCommand = clock.nanoTime() - 20 * MS;
        pair.disconnect();
        clock.advanceMillis(500);
        assertEquals(0.0, firmware.linearVelocity());
        assertTrue(events.contains(SimulatedFirmware.Event.LINK_CLOSED));
        long stoppedAfter =
                eventTimes.get(events.indexOf(SimulatedFirmware.Event.WATCHDOG_STOP)) - lastCommand;
        assertTrue(stoppedAfter <= config.watchdogTimeout().plus(config.tickPeriod()).toNanos());
    }

    @Test
    void estopIsLatchedUntilAnExplicitReset() {
        hello();
        drive(0.5, 0, 500);
        hostSend(new Message.EStopLatch(42));
        assertEquals(0.0, firmware.linearVelocity(), "an e-stop stops at once");
        assertTrue(firmware.estopLatched());
        int seq = hostSend(new Message.VelocityCommand(0.5, 0, 0));
        drive(0.5, 0, 500);
        assertEquals(0.0, firmware.linearVelocity());
        assertEquals(0.0, firmware.pose()[0] - firmware.pose()[0]);
        assertTrue(
                atHost(Message.Nack.class)
                        .contains(new Message.Nack(seq, Message.Nack.Reason.ESTOP_LATCHED)));
        assertTrue(
                atHost(Message.Faults.class).stream()
                        .anyMatch(f -> (f.active() & Message.Faults.ESTOP_LATCHED) != 0));
        clock.advanceMillis(2_000); // time alone does not clear it
        assertTrue(firmware.estopLatched());

        hostSend(new Message.EStopReset());
        assertFalse(firmware.estopLatched());
        drive(0.5, 0, 200);
        assertTrue(firmware.linearVelocity() > 0);
        assertEquals(
                List.of(SimulatedFirmware.Event.ESTOP_LATCHED, SimulatedFirmware.Event.ESTOP_RESET),
                events.stream()
                        .filter(e -> e.name().startsWith("ESTOP"))
                        .collect(Collectors.toList()));
    }

    @Test
    void floodOfCorruptedFramesDoesNotMoveTheBaseAndIsCounted() throws Exception {
        hello();
        Random random = new Random(7);
        int corrupted = 0;
        for (int i = 0; i < 2_000; i++) {
            byte[] frame =
                    FrameCodec.encode(
                            new Envelope(
                                    hostSeq++ & 0xFFFF, new Message.VelocityCommand(1.0, 0, 0.5)));
            int at = random.nextInt(frame.length - 1);
            byte flipped = (byte) (frame[at] ^ (1 << random.nextInt(8)));
            if (flipped == 0) {
                continue; // a new delimiter would split it into two rejected frames
            }
            frame[at] = flipped;
            pair.host().sendRaw(frame);
            corrupted++;
            if (i % 50 == 0) {
                clock.advanceMillis(10);
            }
        }
        clock.advanceMillis(10);
        assertEquals(corrupted, firmware.framesRejected());
        assertEquals(0, firmware.commandsAccepted());
        assertEquals(0.0, firmware.linearVelocity());
        assertEquals(0.0, firmware.pose()[0]);
    }

    @Test
    void corruptedCommandsWhileMovingDoNotFeedTheWatchdog() throws Exception {
        hello();
        drive(0.8, 0, 1_000);
        long lastValid = clock.nanoTime() - 20 * MS;
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) { // the link degrades: every command arrives corrupted
            byte[] frame =
                    FrameCodec.encode(
                            new Envelope(
                                    hostSeq++ & 0xFFFF, new Message.VelocityCommand(0.8, 0, 0)));
            int at = 1 + random.nextInt(frame.length - 2);
            while (frame[at] == (byte) 0x80) { // flipping 0x80 would make a new delimiter
                at = 1 + random.nextInt(frame.length - 2);
            }
            frame[at] ^= (byte) 0x80;
            pair.host().sendRaw(frame);
            clock.advanceMillis(20);
        }
        assertEquals(0.0, firmware.linearVelocity());
        long stoppedAfter =
                eventTimes.get(events.indexOf(SimulatedFirmware.Event.WATCHDOG_STOP)) - lastValid;
        assertTrue(
                stoppedAfter <= config.watchdogTimeout().plus(config.tickPeriod()).toNanos(),
                stoppedAfter / MS + " ms");
        assertEquals(50, firmware.framesRejected());
    }

    @Test
    void watchdogStillCutsASlowControlledStopWhenTheHostGoesQuiet() {
        hello();
        drive(0.8, 0, 1_000);
        hostSend(new Message.ControlledStop(0.001)); // would take 800 s to come to rest
        long lastValid = clock.nanoTime();
        clock.advanceMillis(500);
        assertEquals(0.0, firmware.linearVelocity());
        long stoppedAfter =
                eventTimes.get(events.indexOf(SimulatedFirmware.Event.WATCHDOG_STOP)) - lastValid;
        assertTrue(
                stoppedAfter <= config.watchdogTimeout().plus(config.tickPeriod()).toNanos(),
                stoppedAfter / MS + " ms");
    }

    @Test
    void duplicateAndOldCommandsAreNackedAcrossTheWrap() {
        hostSeq = 65_534;
        hello(); // 65534
        hostSend(new Message.VelocityCommand(0.2, 0, 0)); // 65535
        hostSend(new Message.VelocityCommand(0.2, 0, 0)); // 0, after the wrap: accepted
        hostSeq = 0;
        int dup = hostSend(new Message.VelocityCommand(0.9, 0, 0));
        hostSeq = 65_535;
        int old = hostSend(new Message.VelocityCommand(0.9, 0, 0));
        List<Message.Nack> nacks = atHost(Message.Nack.class);
        assertEquals(
                List.of(
                        new Message.Nack(dup, Message.Nack.Reason.STALE_SEQUENCE),
                        new Message.Nack(old, Message.Nack.Reason.STALE_SEQUENCE)),
                nacks);
        assertEquals(2, firmware.commandsAccepted());
        assertEquals(2, firmware.framesRejected());
        clock.advanceMillis(100);
        assertTrue(firmware.linearVelocity() <= 0.2 + 1e-9, "the refused 0.9 m/s never applied");
    }

    @Test
    void stuckWheelTurnsTheBaseAndRaisesMotorStalled() {
        hello();
        firmware.setStuckWheel(SimulatedFirmware.Wheel.LEFT);
        drive(0.5, 0, 500);
        assertTrue(firmware.angularVelocity() > 0, "turns towards the stuck left wheel");
        assertTrue((firmware.faults() & Message.Faults.MOTOR_STALLED) != 0);
    }

    @Test
    void batteryDrainsFasterWhileMoving() {
        hello();
        clock.advanceMillis(10_000);
        double idleDrop = 1.0 - firmware.stateOfCharge();
        double before = firmware.stateOfCharge();
        drive(1.0, 0, 10_000);
        double movingDrop = before - firmware.stateOfCharge();
        assertTrue(idleDrop > 0);
        assertTrue(movingDrop > 3 * idleDrop, idleDrop + " vs " + movingDrop);
        assertFalse(atHost(Message.Battery.class).isEmpty());
    }

    @Test
    void odometryNoiseIsSeededAndZeroAtRest() {
        List<Message.Odometry> a = noisyRun(11);
        List<Message.Odometry> b = noisyRun(11);
        List<Message.Odometry> c = noisyRun(12);
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(0.0, a.get(0).vx(), "a wheel at rest measures exactly 0");
    }

    private static List<Message.Odometry> noisyRun(long seed) {
        ManualClock clock = new ManualClock();
        InMemoryTransport.Pair pair = InMemoryTransport.pair();
        clock.afterEachInstant(pair::pump);
        List<Message.Odometry> odometry = new ArrayList<>();
        try (SimulatedFirmware fw =
                new SimulatedFirmware(FirmwareConfig.defaults().withNoise(0.05, seed), clock)) {
            fw.attach(pair.device());
            pair.host()
                    .start(
                            new Transport.Listener() {
                                @Override
                                public void onEnvelope(Envelope e) {
                                    if (e.message() instanceof Message.Odometry o) {
                                        odometry.add(o);
                                    }
                                }

                                @Override
                                public void onClosed(TransportException cause) {}
                            });
            pair.host().send(new Envelope(0, new Message.Hello(1, 0, 1, 0, 0)));
            clock.advanceMillis(20);
            for (int i = 1; i < 50; i++) {
                pair.host().send(new Envelope(i, new Message.VelocityCommand(0.5, 0, 0.3)));
                clock.advanceMillis(20);
            }
        } catch (TransportException e) {
            throw new AssertionError(e);
        }
        return odometry;
    }

    @Test
    void injectedCrcErrorsAreCountedByTheHostDecoder() {
        hello();
        firmware.setCorruptOutgoing(0.3);
        clock.advanceMillis(2_000);
        long corrupted = firmware.framesCorrupted();
        assertTrue(corrupted > 20, "corrupted " + corrupted);
        assertTrue(
                pair.host().decoder().errors() >= corrupted,
                "every corrupted frame is rejected, a new 0x00 may split one in two");
    }

    // ---- with the real supervisor on the host side ----

    @Test
    void bridgeLinkStopsTheBaseAndConfirmsFromOdometryOnAStaleCommand() {
        List<LinkEvent> linkEvents = new ArrayList<>();
        BridgeLink link =
                BridgeLink.open(pair.host(), BridgeConfig.defaults(), clock, linkEvents::add);
        clock.advanceMillis(20);
        assertEquals(BridgeLink.State.READY, link.state());
        for (int i = 0; i < 50; i++) {
            link.command(0.6, 0, 0);
            clock.advanceMillis(20);
        }
        assertTrue(firmware.linearVelocity() > 0.5);
        clock.advanceMillis(1_000); // the planner went quiet
        assertEquals(0.0, firmware.linearVelocity());
        List<LinkEvent.Kind> kinds =
                linkEvents.stream().map(LinkEvent::kind).collect(Collectors.toList());
        assertEquals(
                List.of(
                        LinkEvent.Kind.CONNECTED,
                        LinkEvent.Kind.COMMAND_STALE,
                        LinkEvent.Kind.STOP_CONFIRMED),
                kinds);
        assertEquals(BridgeLink.State.STOPPED, link.state());
        assertEquals(0, firmware.watchdogStops(), "the controlled stop came first");
        link.close();
    }

    @Test
    void bridgeLinkDeclaresTheLinkLostWhenTheFirmwareGoesSilent() {
        List<LinkEvent> linkEvents = new ArrayList<>();
        BridgeLink link =
                BridgeLink.open(pair.host(), BridgeConfig.defaults(), clock, linkEvents::add);
        clock.advanceMillis(100);
        firmware.setDropOutgoing(1.0);
        for (int i = 0; i < 30; i++) {
            link.command(0.3, 0, 0);
            clock.advanceMillis(20);
        }
        assertEquals(BridgeLink.State.LOST, link.state());
        assertTrue(linkEvents.stream().anyMatch(e -> e.kind() == LinkEvent.Kind.LINK_LOST));
        clock.advanceMillis(1_100);
        assertEquals(0.0, firmware.linearVelocity(), "the stop reached the firmware");
        assertEquals(
                LinkEvent.Kind.STOP_NOT_CONFIRMED,
                linkEvents.get(linkEvents.size() - 1).kind(),
                "no odometry: not confirmed");
        link.close();
    }
}
