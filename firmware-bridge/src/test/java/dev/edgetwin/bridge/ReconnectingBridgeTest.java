package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ReconnectingBridge on a manual clock over in-memory pairs: an opener that fails a scripted number
 * of times, then hands out the host end of a fresh pair whose device end answers hellos (and sends
 * a heartbeat with every answer, as a live MCU would).
 */
class ReconnectingBridgeTest {
    private static final long MS = 1_000_000;

    private final ManualClock clock = new ManualClock(-3_000 * MS);
    private final List<InMemoryTransport.Pair> pairs = new ArrayList<>();
    private final List<Long> attempts = new ArrayList<>();
    private final List<LinkEvent> events = new ArrayList<>();
    private int failuresLeft;
    private boolean mute;

    ReconnectingBridgeTest() {
        clock.afterEachInstant(() -> pairs.forEach(InMemoryTransport.Pair::pump));
    }

    private Transport open() throws TransportException {
        attempts.add((clock.nanoTime() + 3_000 * MS) / MS);
        if (failuresLeft > 0) {
            failuresLeft--;
            throw new TransportException(
                    TransportError.CONNECT_FAILED, "serial port /dev/ttyTEST does not exist");
        }
        InMemoryTransport.Pair pair = InMemoryTransport.pair();
        pairs.add(pair);
        InMemoryTransport device = pair.device();
        int[] seq = {0};
        device.start(
                new Transport.Listener() {
                    @Override
                    public void onEnvelope(Envelope e) {
                        if (mute) {
                            return;
                        }
                        try {
                            if (e.message() instanceof Message.Hello) {
                                device.send(
                                        new Envelope(seq[0]++, new Message.Hello(1, 1, 0, 0, 0)));
                            } else {
                                device.send(new Envelope(seq[0]++, new Message.Heartbeat(0)));
                            }
                        } catch (TransportException ex) {
                            // the cut link: nothing to answer
                        }
                    }

                    @Override
                    public void onClosed(TransportException cause) {}
                });
        return pair.host();
    }

    private ReconnectingBridge start(Duration initial, Duration max) {
        ReconnectingBridge bridge =
                ReconnectingBridge.start(
                        "test",
                        this::open,
                        BridgeConfig.defaults(),
                        clock,
                        new ReconnectingBridge.Backoff(initial, max),
                        events::add);
        pairs.forEach(InMemoryTransport.Pair::pump);
        return bridge;
    }

    @Test
    void retriesWithDoublingBackoffCappedAtMaxUntilTheDeviceAppears() {
        failuresLeft = 6;
        try (ReconnectingBridge bridge = start(Duration.ofMillis(50), Duration.ofMillis(200))) {
            assertEquals(BridgeLink.State.LOST, bridge.state());
            clock.advanceMillis(1_000);
            // delays after each failure: 50, 100, 200, 200, 200, 200 ms
            assertEquals(List.of(0L, 50L, 150L, 350L, 550L, 750L, 950L), attempts);
            assertEquals(6, bridge.failedAttempts());
            assertEquals(1, bridge.connections());
            assertEquals(
                    "CONNECT_FAILED: serial port /dev/ttyTEST does not exist",
                    bridge.lastFailure());
            assertEquals(BridgeLink.State.READY, bridge.state());
            assertTrue(bridge.command(0.2, 0, 0), "first connection needs no resume");
        }
    }

    @Test
    void reopensAfterTheLinkIsCutAndRefusesCommandsUntilResumed() {
        try (ReconnectingBridge bridge = start(Duration.ofMillis(50), Duration.ofMillis(400))) {
            assertEquals(BridgeLink.State.READY, bridge.state());
            assertNull(bridge.lastFailure());
            assertTrue(bridge.command(0.2, 0, 0));
            BridgeLink first = bridge.link();

            failuresLeft = 2; // the device comes back on the third attempt
            pairs.get(0).disconnect();
            pairs.get(0).pump();
            assertEquals(BridgeLink.State.LOST, first.state());
            assertFalse(bridge.command(0.2, 0, 0), "a lost link takes no commands");

            clock.advanceMillis(200);
            // loss seen by the check at 50 ms: attempts then at 50, 100 (+50), 200 (+100)
            assertEquals(List.of(0L, 50L, 100L, 200L), attempts);
            assertEquals(2, bridge.connections());
            assertEquals(BridgeLink.State.CLOSED, first.state(), "the lost link was closed");
            assertFalse(pairs.get(0).host().isOpen());
            assertEquals(BridgeLink.State.READY, bridge.state());
            assertFalse(bridge.command(0.2, 0, 0), "no motion after a reconnect before resume");
            assertTrue(bridge.resume());
            assertTrue(bridge.command(0.2, 0, 0));
            assertEquals(
                    2, events.stream().filter(e -> e.kind() == LinkEvent.Kind.CONNECTED).count());
        }
    }

    @Test
    void aMuteMcuIsRetriedWithBackoffNotEveryHandshakeTimeout() {
        mute = true;
        try (ReconnectingBridge bridge = start(Duration.ofMillis(50), Duration.ofMillis(400))) {
            clock.advanceMillis(5_000);
            // each link fails its handshake 1 s after it opened; seen by the next 50 ms check;
            // then the backoff: 50, 100, 200, 400 ms
            assertEquals(List.of(0L, 1050L, 2200L, 3450L, 4900L), attempts);
            assertEquals(4, bridge.failedAttempts());
            assertEquals(
                    "no handshake: HANDSHAKE_TIMEOUT: expected the MCU's hello within PT1S, found none",
                    bridge.lastFailure());

            mute = false; // the MCU answers from now on
            clock.advanceMillis(500);
            // the link opened at 4900 ms resends its hello every 100 ms: answered, no new attempt
            assertEquals(BridgeLink.State.READY, bridge.state());
            assertEquals(5, attempts.size());
        }
    }

    @Test
    void closeStopsReopening() {
        ReconnectingBridge bridge = start(Duration.ofMillis(50), Duration.ofMillis(50));
        bridge.close();
        bridge.close();
        pairs.get(0).pump();
        assertEquals(BridgeLink.State.LOST, bridge.state());
        clock.advanceMillis(500);
        assertEquals(List.of(0L), attempts);
        assertFalse(pairs.get(0).host().isOpen());
    }

    @Test
    void backoffIsValidatedNamingTheField() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new ReconnectingBridge.Backoff(
                                        Duration.ofMillis(100), Duration.ofMillis(50)));
        assertEquals("max = PT0.05S must be >= initial = PT0.1S", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new ReconnectingBridge.Backoff(Duration.ZERO, Duration.ofMillis(50)));
    }
}
