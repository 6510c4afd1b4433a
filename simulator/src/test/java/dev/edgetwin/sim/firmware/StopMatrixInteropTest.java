package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stop matrix's code with 2 trials per fault (the benchmark runs 20): every fault, including
 * the SIGKILLed child JVM, must bring the simulated base to zero. Needs socat; -Pinterop. Bounded:
 * 8 trials of a few seconds each, at most 120 s in all.
 */
@Tag("interop")
@Timeout(120)
class StopMatrixInteropTest {
    /**
     * The benchmark reports against the exact bound (watchdog + one firmware period); here, with
     * other builds sharing 2 cores, real threads may run late, so the check allows this much on top
     * (as SimulatedFirmwareTcpTest does). The exact bound is checked on the manual clock in
     * SimulatedFirmwareTest.
     */
    private static final Duration SCHEDULING_ALLOWANCE = Duration.ofMillis(100);

    @TempDir Path dir;

    @Test
    void everyFaultStopsTheBaseWithinTheWatchdog() throws Exception {
        assumeTrue(
                SocatPtyPair.available(),
                "needs socat on the PATH (Debian: apt-get install socat)");
        StopMatrix.Options options =
                new StopMatrix.Options(2, 1_000_000, 0.5, FirmwareConfig.defaults());
        List<String> progress = new ArrayList<>();
        StopMatrix.Result result =
                StopMatrix.run(dir, options, List.of(StopMatrix.Fault.values()), progress::add);
        org.tinylog.Logger.info("Stop matrix (2 trials per fault): {}", result.rows());
        assertEquals(8, progress.size(), progress.toString());
        assertEquals(StopMatrix.Fault.values().length, result.rows().size());
        long bound = options.bound().plus(SCHEDULING_ALLOWANCE).toNanos();
        for (StopMatrix.Trial t : result.trials()) {
            assertTrue(t.stopped(), "velocity never reached zero: " + t);
            assertTrue(
                    t.nanosToZero() <= bound,
                    t + " took " + t.nanosToZero() / 1e6 + " ms, bound " + bound / 1e6 + " ms");
            // a stop before the watchdog could expire would mean the fault was not what stopped it
            assertTrue(t.nanosToZero() > 0, "stopped before the fault struck: " + t);
            assertTrue(
                    t.nanosFromLastCommand() <= bound,
                    t
                            + ": the watchdog stopped the base "
                            + t.nanosFromLastCommand() / 1e6
                            + " ms after the last accepted command");
        }
        for (StopMatrix.Row row : result.rows()) {
            assertEquals(2, row.trials());
            assertEquals(2, row.stopped());
            if (row.fault() == StopMatrix.Fault.CORRUPTED_FLOOD) {
                assertTrue(row.framesRejected() > 100, "the flood reached the MCU: " + row);
            }
        }
    }
}
