package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.sim.firmware.StopMatrix.Fault;
import dev.edgetwin.sim.firmware.StopMatrix.Trial;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The matrix's bookkeeping, without socat: rows from trials, the bound, validation. */
class StopMatrixTest {
    private static final long MS = 1_000_000;

    @Test
    void rowCountsStopsWithinTheBoundAndTakesMedianAndMaxOfTheStoppedTrials() {
        List<Trial> trials =
                List.of(
                        new Trial(Fault.HEARTBEAT_LOST, 0, 255 * MS, 1, 0, 256 * MS),
                        new Trial(Fault.HEARTBEAT_LOST, 1, 250 * MS, 1, 0, 251 * MS),
                        new Trial(Fault.HEARTBEAT_LOST, 2, 261 * MS, 1, 0, 259 * MS),
                        new Trial(Fault.HEARTBEAT_LOST, 3, -1, 1, 2, -1),
                        new Trial(Fault.HEARTBEAT_LOST, 4, 240 * MS, 1, 0, 262 * MS));
        StopMatrix.Row row = StopMatrix.row(Fault.HEARTBEAT_LOST, trials, 260 * MS);
        assertEquals(5, row.trials());
        assertEquals(4, row.stopped());
        assertEquals(3, row.withinBound());
        assertEquals(250.0, row.p50Millis()); // lower median of 240, 250, 255, 261
        assertEquals(261.0, row.maxMillis());
        assertEquals(5, row.framesRejected());
        assertEquals(2, row.commandsAcceptedAfterFault());
        assertEquals(3, row.withinBoundOfLastCommand()); // 256, 251, 259; not 262, not unstopped
        assertEquals(262.0, row.maxFromLastCommandMillis());
        assertFalse(
                new StopMatrix.Result(
                                new StopMatrix.Options(5, 115200, 0.5, FirmwareConfig.defaults()),
                                List.of(row),
                                trials)
                        .allWithinBound());
    }

    @Test
    void boundIsTheWatchdogPlusOneFirmwarePeriod() {
        StopMatrix.Options o =
                new StopMatrix.Options(20, 1_000_000, 0.5, FirmwareConfig.defaults());
        assertEquals(Duration.ofMillis(260), o.bound());
    }

    @Test
    void optionsNameTheBadField() {
        FirmwareConfig f = FirmwareConfig.defaults();
        assertEquals(
                "trialsPerFault = 0 is outside [1, 1000]",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StopMatrix.Options(0, 115200, 0.5, f))
                        .getMessage());
        assertEquals(
                "speed = 1.5 is outside (0, 1] m/s",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StopMatrix.Options(1, 115200, 1.5, f))
                        .getMessage());
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new StopMatrix.Options(1, 100, 0.5, f))
                        .getMessage()
                        .startsWith("baud = 100"));
    }
}
