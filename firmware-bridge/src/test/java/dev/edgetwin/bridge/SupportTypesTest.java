package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SupportTypesTest {

    @Test
    void sequenceComparisonWrapsAround() {
        assertTrue(SequenceWindow.isNewer(1, 0));
        assertTrue(SequenceWindow.isNewer(0, 65_535));
        assertTrue(SequenceWindow.isNewer(10, 65_530));
        assertTrue(SequenceWindow.isNewer(32_767, 0));
        assertFalse(SequenceWindow.isNewer(32_768, 0), "half the space ahead counts as old");
        assertFalse(SequenceWindow.isNewer(0, 0));
        assertFalse(SequenceWindow.isNewer(65_535, 0));
        assertFalse(SequenceWindow.isNewer(65_530, 10));
        assertEquals(0, SequenceWindow.next(65_535));

        SequenceWindow w = new SequenceWindow();
        assertTrue(w.accept(65_535));
        assertTrue(w.accept(0));
        assertFalse(w.accept(0));
        assertFalse(w.accept(65_535));
        assertTrue(w.accept(2));
        assertEquals(2, w.rejected());
        w.reset();
        assertTrue(w.accept(7));
    }

    @Test
    void configRejectsBadFieldsByName() {
        BridgeConfig d = BridgeConfig.defaults();
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new BridgeConfig(
                                        d.controlPeriod(),
                                        d.heartbeatPeriod(),
                                        Duration.ofMillis(50),
                                        d.handshakeTimeout(),
                                        d.commandMaxAge(),
                                        d.stopConfirmTimeout(),
                                        d.maxVx(),
                                        d.maxVy(),
                                        d.maxWz(),
                                        d.maxLinearAcceleration(),
                                        d.maxAngularAcceleration(),
                                        d.stopDeceleration(),
                                        d.standstillTolerance(),
                                        d.capabilities()));
        assertEquals("linkTimeout = PT0.05S must be > heartbeatPeriod = PT0.1S", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new BridgeConfig(
                                        d.controlPeriod(),
                                        d.heartbeatPeriod(),
                                        d.linkTimeout(),
                                        d.handshakeTimeout(),
                                        d.commandMaxAge(),
                                        d.stopConfirmTimeout(),
                                        Double.NaN,
                                        d.maxVy(),
                                        d.maxWz(),
                                        d.maxLinearAcceleration(),
                                        d.maxAngularAcceleration(),
                                        d.stopDeceleration(),
                                        d.standstillTolerance(),
                                        d.capabilities()));
        assertEquals("maxVx = NaN is outside [0, 32.767]", e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new BridgeConfig(
                                        Duration.ZERO,
                                        d.heartbeatPeriod(),
                                        d.linkTimeout(),
                                        d.handshakeTimeout(),
                                        d.commandMaxAge(),
                                        d.stopConfirmTimeout(),
                                        d.maxVx(),
                                        d.maxVy(),
                                        d.maxWz(),
                                        d.maxLinearAcceleration(),
                                        d.maxAngularAcceleration(),
                                        d.stopDeceleration(),
                                        d.standstillTolerance(),
                                        d.capabilities()));
        assertEquals("controlPeriod = PT0S must be positive", e.getMessage());
    }

    @Test
    void manualClockRunsDueTasksInTimeOrderAtTheirDueTime() {
        ManualClock clock = new ManualClock(Long.MAX_VALUE - 25); // crosses the long overflow
        List<String> log = new ArrayList<>();
        long start = clock.nanoTime();
        LinkClock.Periodic a =
                clock.every(Duration.ofNanos(10), () -> log.add("a@" + (clock.nanoTime() - start)));
        clock.every(Duration.ofNanos(15), () -> log.add("b@" + (clock.nanoTime() - start)));
        clock.advance(Duration.ofNanos(30));
        assertEquals(List.of("a@10", "b@15", "a@20", "a@30", "b@30"), log);
        a.close();
        clock.advance(Duration.ofNanos(15));
        assertEquals("b@45", log.get(log.size() - 1));
        assertEquals(6, log.size());
    }

    @Test
    void inMemoryPairDeliversOnlyOnPumpAndReportsCloseToThePeer() throws Exception {
        InMemoryTransport.Pair pair = InMemoryTransport.pair();
        List<Envelope> got = new ArrayList<>();
        List<TransportException> closed = new ArrayList<>();
        pair.device()
                .start(
                        new Transport.Listener() {
                            @Override
                            public void onEnvelope(Envelope e) {
                                got.add(e);
                            }

                            @Override
                            public void onClosed(TransportException cause) {
                                closed.add(cause);
                            }
                        });
        pair.host().send(new Envelope(3, new Message.Heartbeat(9)));
        pair.host().sendRaw(new byte[] {1, 2, 3, 0});
        assertTrue(got.isEmpty());
        assertEquals(2, pair.pump());
        assertEquals(List.of(new Envelope(3, new Message.Heartbeat(9))), got);
        assertEquals(1, pair.device().decoder().errors());
        pair.host().close();
        pair.host().close();
        pair.pump();
        assertEquals(1, closed.size());
        assertEquals(TransportError.CLOSED, closed.get(0).error());
        assertThrows(
                IllegalStateException.class,
                () ->
                        pair.host()
                                .start(
                                        new Transport.Listener() {
                                            @Override
                                            public void onEnvelope(Envelope e) {}

                                            @Override
                                            public void onClosed(TransportException cause) {}
                                        }));
    }

    @Test
    void inMemoryQueueIsBounded() throws Exception {
        InMemoryTransport.Pair pair = InMemoryTransport.pair();
        for (int i = 0; i < InMemoryTransport.QUEUE_CAPACITY; i++) {
            pair.host().sendRaw(new byte[] {0});
        }
        TransportException e =
                assertThrows(TransportException.class, () -> pair.host().sendRaw(new byte[] {0}));
        assertEquals(TransportError.OVERFLOW, e.error());
    }
}
