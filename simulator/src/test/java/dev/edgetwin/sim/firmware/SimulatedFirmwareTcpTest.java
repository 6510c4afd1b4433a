package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.bridge.BridgeConfig;
import dev.edgetwin.bridge.BridgeLink;
import dev.edgetwin.bridge.LinkClock;
import dev.edgetwin.bridge.LinkEvent;
import dev.edgetwin.bridge.TcpServer;
import dev.edgetwin.bridge.TcpTransport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end over real TCP on 127.0.0.1 with the real clock: the daemon's link drives the simulated
 * firmware, then the daemon's side drops without a stop ("SIGKILL"); the firmware's watchdog must
 * bring the base to zero within its timeout plus one firmware period. Bounded: about half a second
 * of driving, at most 2 s of waiting.
 */
@Timeout(20)
class SimulatedFirmwareTcpTest {
    /**
     * Real threads on a shared machine run late: with two CPU-bound processes beside it on 2 cores
     * the firmware's 10 ms loop was seen to stop the base at 260.x ms, just past watchdog + one
     * period. The exact bound is checked on the manual clock ({@code SimulatedFirmwareTest
     * #watchdogStopsTheBaseWhenTheHostIsKilled}); here the measured time is logged and checked with
     * this allowance for thread scheduling.
     */
    private static final Duration SCHEDULING_ALLOWANCE = Duration.ofMillis(50);

    @Test
    void velocityReachesZeroWithinWatchdogPlusOnePeriodAfterTheLinkDrops() throws Exception {
        ScheduledExecutorService executor =
                Executors.newScheduledThreadPool(
                        2,
                        r -> {
                            Thread t = new Thread(r, "sim-tcp-test");
                            t.setDaemon(true);
                            return t;
                        });
        LinkClock clock = LinkClock.system(executor);
        FirmwareConfig config = FirmwareConfig.defaults();
        CountDownLatch moving = new CountDownLatch(1);
        CountDownLatch watchdog = new CountDownLatch(1);
        AtomicLong stoppedAt = new AtomicLong();
        try (TcpServer server = TcpServer.bindLoopback(0);
                SimulatedFirmware firmware = new SimulatedFirmware(config, clock)) {
            firmware.setObserver(
                    e -> {
                        if (e == SimulatedFirmware.Event.WATCHDOG_STOP) {
                            stoppedAt.set(System.nanoTime());
                            watchdog.countDown();
                        }
                    });
            CompletableFuture<Void> accepted =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    firmware.attach(server.accept(Duration.ofSeconds(5)));
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            BridgeLink link =
                    BridgeLink.open(
                            TcpTransport.connect("127.0.0.1", server.port(), Duration.ofSeconds(5)),
                            BridgeConfig.defaults(),
                            clock,
                            e -> {
                                if (e.kind() == LinkEvent.Kind.CONNECTED) {
                                    moving.countDown();
                                }
                            });
            accepted.get(5, TimeUnit.SECONDS);
            assertTrue(moving.await(5, TimeUnit.SECONDS), "handshake over TCP");
            // the planner: a fresh command every 20 ms
            var planner =
                    executor.scheduleAtFixedRate(
                            () -> link.command(0.5, 0, 0), 0, 20, TimeUnit.MILLISECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (firmware.linearVelocity() < 0.3 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // bounded wait for a condition, not a sleep
            }
            assertTrue(firmware.linearVelocity() >= 0.3, "driving: " + firmware);

            planner.cancel(false);
            link.close(); // the socket goes away without a stop, as when the daemon is killed
            long droppedAt = System.nanoTime();

            assertTrue(watchdog.await(2, TimeUnit.SECONDS), "watchdog fired: " + firmware);
            assertEquals(0.0, firmware.linearVelocity());
            assertEquals(0.0, firmware.angularVelocity());
            long elapsed = stoppedAt.get() - droppedAt;
            long bound =
                    config.watchdogTimeout()
                            .plus(config.tickPeriod())
                            .plus(SCHEDULING_ALLOWANCE)
                            .toNanos();
            org.tinylog.Logger.info(
                    "Base stopped {} ms after the link dropped (bound {} ms with the allowance)",
                    elapsed / 1_000_000,
                    bound / 1_000_000);
            assertTrue(
                    elapsed <= bound,
                    "stopped "
                            + elapsed / 1_000_000
                            + " ms after the drop, bound "
                            + bound / 1_000_000
                            + " ms");
        } finally {
            executor.shutdownNow();
        }
    }
}
