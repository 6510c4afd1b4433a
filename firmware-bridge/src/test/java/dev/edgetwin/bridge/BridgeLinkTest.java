package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.bridge.LinkEvent.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** BridgeLink against a scripted MCU over the in-memory pair, on a manual clock. */
class BridgeLinkTest {
    private static final long MS = 1_000_000;

    private final ManualClock clock = new ManualClock(Long.MAX_VALUE - 5_000 * MS); // wraps
    private final InMemoryTransport.Pair pair = InMemoryTransport.pair();
    private final List<LinkEvent> events = new ArrayList<>();
    private final List<Envelope> atMcu = new ArrayList<>();
    private final List<Long> atMcuTimes = new ArrayList<>();
    private final BridgeConfig config = BridgeConfig.defaults();
    private BridgeLink link;
    private int mcuSeq;
    private long mcuLastHeartbeat = clock.nanoTime();

    private void open() {
        clock.afterEachInstant(pair::pump);
        pair.device()
                .start(
                        new Transport.Listener() {
                            @Override
                            public void onEnvelope(Envelope e) {
                                atMcu.add(e);
                                atMcuTimes.add(clock.nanoTime());
                            }

                            @Override
                            public void onClosed(TransportException cause) {}
                        });
        link = BridgeLink.open(pair.host(), config, clock, events::add);
        pair.pump();
    }

    private void mcuSend(Message m) {
        mcuSendWithSeq(mcuSeq, m);
        mcuSeq = SequenceWindow.next(mcuSeq);
    }

    private void mcuSendWithSeq(int seq, Message m) {
        try {
            pair.device().send(new Envelope(seq, m));
        } catch (TransportException e) {
            throw new AssertionError(e);
        }
        pair.pump();
    }

    private void connect() {
        open();
        mcuSend(new Message.Hello(1, 1, 0, 0, Message.Hello.CAP_ODOMETRY));
        assertEquals(BridgeLink.State.READY, link.state());
    }

    /** Advances in 10 ms steps, the MCU sending a heartbeat every 100 ms. */
    private void runWithMcuHeartbeats(long millis) {
        for (long t = 0; t < millis; t += 10) {
            clock.advanceMillis(10);
            if (clock.nanoTime() - mcuLastHeartbeat >= 100 * MS) {
                mcuLastHeartbeat = clock.nanoTime();
                mcuSend(new Message.Heartbeat(t));
            }
        }
    }

    private <T extends Message> List<T> atMcu(Class<T> type) {
        return atMcu.stream()
                .map(Envelope::message)
                .filter(type::isInstance)
                .map(type::cast)
                .collect(Collectors.toList());
    }

    private List<Kind> kinds() {
        return events.stream().map(LinkEvent::kind).collect(Collectors.toList());
    }

    @AfterEach
    void close() {
        if (link != null) {
            link.close();
            link.close(); // idempotent
        }
    }

    @Test
    void handshakeSendsHelloAndBecomesReadyOnTheMcusHello() {
        open();
        assertEquals(BridgeLink.State.HANDSHAKE, link.state());
        List<Message.Hello> hellos = atMcu(Message.Hello.class);
        assertEquals(1, hellos.size());
        assertEquals(1, hellos.get(0).protocolVersion());
        assertEquals(config.capabilities(), hellos.get(0).capabilities());
        assertFalse(link.command(0.1, 0, 0), "commands before the handshake are refused");

        mcuSend(new Message.Hello(1, 2, 3, 4, Message.Hello.CAP_ODOMETRY));
        assertEquals(BridgeLink.State.READY, link.state());
        assertEquals(List.of(Kind.CONNECTED), kinds());
        assertEquals(2, link.firmwareHello().versionMajor());
    }

    @Test
    void helloIsResentUntilAnsweredAndTheHandshakeTimesOut() {
        open();
        clock.advance(config.handshakeTimeout().minusMillis(1));
        assertEquals(BridgeLink.State.HANDSHAKE, link.state());
        // one hello at open and one per heartbeat period after it
        assertEquals(
                1
                        + (config.handshakeTimeout().toMillis() - 1)
                                / config.heartbeatPeriod().toMillis(),
                atMcu(Message.Hello.class).size());
        clock.advanceMillis(config.controlPeriod().toMillis());
        assertEquals(BridgeLink.State.FAILED, link.state());
        assertEquals(List.of(Kind.HANDSHAKE_TIMEOUT), kinds());
    }

    @Test
    void anotherProtocolVersionFailsTheHandshake() {
        open();
        mcuSend(new Message.Hello(2, 1, 0, 0, 0));
        assertEquals(BridgeLink.State.FAILED, link.state());
        assertEquals(List.of(Kind.VERSION_MISMATCH), kinds());
        assertTrue(events.get(0).detail().contains("expected protocol version 1"));
        assertFalse(link.command(0.1, 0, 0));
    }

    @Test
    void heartbeatsAreSentEveryPeriodAndTheMcusKeepTheLinkUp() {
        connect();
        runWithMcuHeartbeats(2_000);
        assertEquals(
                2_000 / config.heartbeatPeriod().toMillis(), atMcu(Message.Heartbeat.class).size());
        for (int i = 1; i < atMcuTimes.size(); i++) {
            if (atMcu.get(i).message() instanceof Message.Heartbeat) {
                long prev = -1;
                for (int j = i - 1; j >= 0; j--) {
                    if (atMcu.get(j).message() instanceof Message.Heartbeat) {
                        prev = atMcuTimes.get(j);
                        break;
                    }
                }
                if (prev != -1) {
                    assertEquals(config.heartbeatPeriod().toNanos(), atMcuTimes.get(i) - prev);
                }
            }
        }
        assertEquals(BridgeLink.State.READY, link.state());
        assertEquals(List.of(Kind.CONNECTED), kinds());
    }

    @Test
    void silenceLongerThanTheLinkTimeoutSendsAStopWithinOneControlPeriod() {
        connect();
        runWithMcuHeartbeats(500);
        link.command(0.3, 0, 0);
        long lastHeard = clock.nanoTime();
        int before = atMcu(Message.ControlledStop.class).size();
        assertEquals(0, before);
        // the caller keeps commanding, the MCU has gone quiet
        for (int i = 0; i < 40; i++) {
            link.command(0.3, 0, 0);
            clock.advanceMillis(10);
        }
        assertEquals(BridgeLink.State.LOST, link.state());
        LinkEvent lost =
                events.stream().filter(e -> e.kind() == Kind.LINK_LOST).findFirst().orElseThrow();
        long after = lost.atNanos() - lastHeard;
        assertTrue(after >= config.linkTimeout().toNanos(), "lost after " + after / MS + " ms");
        assertTrue(
                after <= config.linkTimeout().plus(config.controlPeriod()).toNanos(),
                "lost after " + after / MS + " ms");
        int firstStop = -1;
        for (int i = 0; i < atMcu.size(); i++) {
            if (atMcu.get(i).message() instanceof Message.ControlledStop) {
                firstStop = i;
                break;
            }
        }
        assertEquals(lost.atNanos(), (long) atMcuTimes.get(firstStop));
        for (int i = firstStop; i < atMcu.size(); i++) {
            assertFalse(
                    atMcu.get(i).message() instanceof Message.VelocityCommand,
                    "no velocity command after the link is lost");
        }
        assertFalse(link.command(0.3, 0, 0));
    }

    @Test
    void transportClosedIsLinkLost() {
        connect();
        pair.disconnect();
        pair.pump();
        assertEquals(BridgeLink.State.LOST, link.state());
        assertEquals(List.of(Kind.CONNECTED, Kind.LINK_LOST), kinds());
        clock.advance(config.stopConfirmTimeout().plus(config.controlPeriod()));
        assertEquals(
                Kind.STOP_NOT_CONFIRMED,
                events.get(events.size() - 1).kind(),
                "without odometry a stop is reported unconfirmed, never assumed");
    }

    @Test
    void staleCallerCommandStopsAndOdometryConfirmsTheStop() {
        connect();
        link.command(0.5, 0, 0);
        runWithMcuHeartbeats(config.commandMaxAge().toMillis());
        assertTrue(atMcu(Message.VelocityCommand.class).size() > 0);
        assertEquals(BridgeLink.State.READY, link.state());
        runWithMcuHeartbeats(config.controlPeriod().toMillis());
        assertEquals(BridgeLink.State.STOPPING, link.state());
        assertEquals(List.of(Kind.CONNECTED, Kind.COMMAND_STALE), kinds());
        assertEquals(1, atMcu(Message.ControlledStop.class).size());

        mcuSend(new Message.Odometry(0, 0, 0, 0, 0.2, 0, 0)); // still moving
        runWithMcuHeartbeats(40);
        assertEquals(BridgeLink.State.STOPPING, link.state());
        assertTrue(atMcu(Message.ControlledStop.class).size() > 1, "stop resent until confirmed");
        mcuSend(new Message.Odometry(0, 0, 0, 0, 0.0, 0, 0.005));
        assertEquals(BridgeLink.State.STOPPED, link.state());
        assertEquals(Kind.STOP_CONFIRMED, events.get(events.size() - 1).kind());

        int velocities = atMcu(Message.VelocityCommand.class).size();
        assertFalse(link.command(0.5, 0, 0), "commands ignored after a stop until resume");
        runWithMcuHeartbeats(100);
        assertEquals(velocities, atMcu(Message.VelocityCommand.class).size());
        assertTrue(link.resume());
        assertTrue(link.command(0.5, 0, 0));
        runWithMcuHeartbeats(60);
        int sinceResume = atMcu(Message.VelocityCommand.class).size() - velocities;
        assertTrue(sinceResume >= 2, "sent " + sinceResume);
        assertEquals(0.02 * sinceResume, link.lastCommand().vx(), 1e-9, "ramps from standstill");
    }

    @Test
    void stopNotShownByOdometryIsReported() {
        connect();
        link.command(0.5, 0, 0);
        link.reportFault("planner: no path");
        assertEquals(List.of(Kind.CONNECTED, Kind.CALLER_FAULT), kinds());
        for (long t = 0; t < config.stopConfirmTimeout().toMillis(); t += 20) {
            mcuSend(new Message.Odometry(t, 0, 0, 0, 0.3, 0, 0));
            clock.advanceMillis(20);
        }
        assertEquals(Kind.STOP_NOT_CONFIRMED, events.get(events.size() - 1).kind());
        assertEquals(BridgeLink.State.STOPPED, link.state());
        assertTrue(events.get(events.size() - 1).detail().contains("vx=0.3"));
    }

    @Test
    void commandsAreClampedAndRateLimitedPerStep() {
        connect();
        double dv = config.maxLinearAcceleration() * config.controlPeriod().toNanos() / 1e9;
        double dw = config.maxAngularAcceleration() * config.controlPeriod().toNanos() / 1e9;
        List<Message.VelocityCommand> sent = new ArrayList<>();
        for (int step = 1; step <= 100; step++) {
            link.command(step < 70 ? 5.0 : -5.0, 0.7, -9.0);
            runWithMcuHeartbeats(config.controlPeriod().toMillis());
            sent.add(link.lastCommand());
        }
        assertEquals(sent, atMcu(Message.VelocityCommand.class));
        Message.VelocityCommand prev = new Message.VelocityCommand(0, 0, 0);
        double refVx = 0;
        double refWz = 0;
        for (int i = 0; i < sent.size(); i++) {
            Message.VelocityCommand c = sent.get(i);
            double targetVx = i + 1 < 70 ? config.maxVx() : -config.maxVx();
            refVx += Math.max(-dv, Math.min(dv, targetVx - refVx));
            refWz += Math.max(-dw, Math.min(dw, -config.maxWz() - refWz));
            assertEquals(refVx, c.vx(), 0.0011, "vx at step " + i);
            assertEquals(refWz, c.wz(), 0.0011, "wz at step " + i);
            assertEquals(0.0, c.vy(), "vy dropped: the MCU is not holonomic");
            assertTrue(Math.abs(c.vx()) <= config.maxVx() + 1e-9);
            assertTrue(Math.abs(c.wz()) <= config.maxWz() + 1e-9);
            assertTrue(Math.abs(c.vx() - prev.vx()) <= dv + 0.0011, "step " + i);
            assertTrue(Math.abs(c.wz() - prev.wz()) <= dw + 0.0011, "step " + i);
            prev = c;
        }
        assertEquals(config.maxVx(), sent.get(68).vx(), 1e-9, "reached the clamp");
        assertEquals(-config.maxWz(), sent.get(99).wz(), 1e-9);
    }

    @Test
    void outgoingSequenceNumbersIncreaseByOneAndWrap() {
        connect();
        link.setNextSequence(65_530);
        atMcu.clear();
        for (int i = 0; i < 10; i++) {
            link.command(0.1, 0, 0);
            runWithMcuHeartbeats(20);
        }
        assertEquals(65_530, atMcu.get(0).sequence());
        assertTrue(atMcu.size() > 6);
        for (int i = 1; i < atMcu.size(); i++) {
            assertEquals(SequenceWindow.next(atMcu.get(i - 1).sequence()), atMcu.get(i).sequence());
        }
        assertTrue(atMcu.stream().anyMatch(e -> e.sequence() == 0), "wrapped through 0");
    }

    @Test
    void oldAndDuplicateIncomingSequenceNumbersAreRejectedAcrossTheWrap() {
        open();
        mcuSendWithSeq(65_534, new Message.Hello(1, 1, 0, 0, 0));
        link.command(0.5, 0, 0);
        clock.advanceMillis(20);
        link.reportFault("vision: camera frozen");
        mcuSendWithSeq(65_535, new Message.Heartbeat(1));
        mcuSendWithSeq(0, new Message.Odometry(2, 0, 0, 0, 0.4, 0, 0)); // newer, across the wrap
        assertEquals(0.4, link.lastOdometry().vx());
        mcuSendWithSeq(0, new Message.Odometry(3, 0, 0, 0, 0, 0, 0)); // duplicate
        mcuSendWithSeq(65_535, new Message.Odometry(4, 0, 0, 0, 0, 0, 0)); // old
        mcuSendWithSeq(40_000, new Message.Odometry(5, 0, 0, 0, 0, 0, 0)); // 32768+ ahead: old
        assertEquals(3, link.staleFramesRejected());
        assertEquals(0.4, link.lastOdometry().vx());
        assertEquals(
                BridgeLink.State.STOPPING,
                link.state(),
                "a replayed standstill odometry must not confirm the stop");
        mcuSendWithSeq(1, new Message.Odometry(6, 0, 0, 0, 0, 0, 0));
        assertEquals(BridgeLink.State.STOPPED, link.state());
    }

    @Test
    void rejectedFramesDoNotKeepTheLinkAlive() {
        open();
        mcuSendWithSeq(100, new Message.Hello(1, 1, 0, 0, 0));
        for (int i = 0; i < 40; i++) {
            clock.advanceMillis(10);
            mcuSendWithSeq(100, new Message.Heartbeat(i)); // replayed, always the same number
        }
        assertEquals(BridgeLink.State.LOST, link.state());
    }

    @Test
    void sendAfterCloseFailsAndCloseIsIdempotent() {
        connect();
        link.close();
        assertEquals(BridgeLink.State.CLOSED, link.state());
        assertFalse(pair.host().isOpen());
        TransportException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        TransportException.class,
                        () -> pair.host().send(new Envelope(0, new Message.Heartbeat(0))));
        assertEquals(TransportError.CLOSED, e.error());
        clock.advance(Duration.ofSeconds(2));
        assertNull(link.lastOdometry());
    }
}
