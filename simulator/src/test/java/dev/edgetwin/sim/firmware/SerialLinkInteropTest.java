package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgetwin.bridge.BridgeConfig;
import dev.edgetwin.bridge.BridgeLink;
import dev.edgetwin.bridge.LinkClock;
import dev.edgetwin.bridge.LinkEvent;
import dev.edgetwin.bridge.Message;
import dev.edgetwin.bridge.ReconnectingBridge;
import dev.edgetwin.bridge.SerialTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The serial transport over a real pseudo-terminal pair (socat), with the simulated firmware on one
 * end and the daemon's {@link ReconnectingBridge} on the other, at 115200 and 1000000 baud:
 * handshake, commands acked and obeyed, odometry flowing back; then the cable is pulled (socat
 * SIGKILLed) and plugged back (a new socat behind the same paths): the bridge reopens the port,
 * shakes hands again and, once resumed, drives again. Needs socat (Debian: socat); -Pinterop.
 * Bounded: every wait is at most 10 s, the whole test at most 60 s.
 */
@Tag("interop")
@Timeout(60)
class SerialLinkInteropTest {
    @TempDir Path dir;

    @BeforeAll
    static void needsSocat() {
        assumeTrue(
                SocatPtyPair.available(),
                "needs socat on the PATH (Debian: apt-get install socat)");
    }

    @ParameterizedTest(name = "{0} baud")
    @ValueSource(ints = {115_200, 1_000_000})
    void drivesOverAPtyAndReopensAfterTheCableIsPulled(int baud) throws Exception {
        ScheduledExecutorService executor =
                Executors.newScheduledThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "serial-interop");
                            t.setDaemon(true);
                            return t;
                        });
        LinkClock clock = LinkClock.system(executor);
        List<LinkEvent> events = new CopyOnWriteArrayList<>();
        try (SocatPtyPair cable = SocatPtyPair.start(dir, Duration.ofSeconds(10));
                SimulatedFirmware firmware =
                        new SimulatedFirmware(FirmwareConfig.defaults(), clock)) {
            firmware.attach(SerialTransport.open(cable.mcuEnd().toString(), baud));
            try (ReconnectingBridge bridge =
                    ReconnectingBridge.start(
                            "serial:" + cable.hostEnd() + "@" + baud,
                            () -> SerialTransport.open(cable.hostEnd().toString(), baud),
                            BridgeConfig.defaults(),
                            clock,
                            ReconnectingBridge.Backoff.defaults(),
                            events::add)) {
                await(() -> bridge.state() == BridgeLink.State.READY, "handshake", bridge);
                Message.Hello hello = bridge.link().firmwareHello();
                assertEquals(SimulatedFirmware.VERSION_MAJOR, hello.versionMajor());

                ScheduledFuture<?> planner =
                        executor.scheduleAtFixedRate(
                                () -> bridge.command(0.4, 0, 0.2), 0, 20, TimeUnit.MILLISECONDS);
                await(() -> firmware.linearVelocity() >= 0.35, "the base drives", firmware);
                await(
                        () -> odometryShowsMotion(bridge.link()),
                        "odometry shows the motion",
                        bridge);
                assertTrue(
                        firmware.commandsAccepted() > 10, "acked: " + firmware.commandsAccepted());
                assertEquals(0, firmware.commandsRefused());
                assertEquals(0, bridge.link().nacks());

                cable.pull();
                await(
                        () -> firmware.linearVelocity() == 0,
                        "the watchdog stops the base",
                        firmware);
                await(() -> bridge.state() != BridgeLink.State.READY, "link lost", bridge);
                assertTrue(
                        events.stream().anyMatch(e -> e.kind() == LinkEvent.Kind.LINK_LOST),
                        events.toString());

                cable.restart();
                firmware.attach(SerialTransport.open(cable.mcuEnd().toString(), baud));
                await(
                        () -> bridge.connections() == 2 && bridge.state() == BridgeLink.State.READY,
                        "the bridge reopens the port and shakes hands again",
                        bridge);
                assertTrue(bridge.failedAttempts() >= 1, "the port was gone for a while");
                assertEquals(0, firmware.linearVelocity(), "no motion before resume");
                assertTrue(bridge.resume());
                await(() -> firmware.linearVelocity() >= 0.35, "drives again", firmware);
                await(() -> odometryShowsMotion(bridge.link()), "odometry on the new link", bridge);
                planner.cancel(false);
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private static boolean odometryShowsMotion(BridgeLink link) {
        if (link == null) {
            return false;
        }
        Message.Odometry o = link.lastOdometry();
        return o != null && o.vx() > 0.3 && o.x() > 0;
    }

    /** Polls {@code condition} every millisecond for at most 10 s. */
    private static void await(BooleanSupplier condition, String what, Object state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("expected within 10 s: " + what + "; found " + state);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }
}
