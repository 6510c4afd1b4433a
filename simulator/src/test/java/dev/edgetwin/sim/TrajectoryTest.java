package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TrajectoryTest {

    @Test
    void shuttleIsAtItsEndsAtRestAndTurnsToFaceTravel() {
        var shuttle = new Trajectory.Shuttle(1, 2, 5, 2, 10, 0, true);
        double[] m = new double[5];
        shuttle.sample(0, m);
        assertEquals(1, m[0], 1e-12);
        assertEquals(2, m[1], 1e-12);
        assertEquals(0, m[3], 1e-12, "at rest at a");
        shuttle.sample(2.5, m);
        assertEquals(3, m[0], 1e-12);
        assertEquals(4 * Math.PI / 10, m[3], 1e-12, "peak speed (b - a) * pi / period");
        assertEquals(0, m[2], 1e-12, "facing b");
        shuttle.sample(5, m);
        assertEquals(5, m[0], 1e-12);
        shuttle.sample(7.5, m);
        assertEquals(3, m[0], 1e-12);
        assertEquals(-4 * Math.PI / 10, m[3], 1e-12);
        assertEquals(Math.PI, m[2], 1e-12, "facing a on the way back");
    }

    @Test
    void reversingShuttleKeepsItsHeading() {
        var shuttle = new Trajectory.Shuttle(0, 0, 0, 3, 8, 0, false);
        double[] m = new double[5];
        shuttle.sample(6, m);
        assertEquals(Math.PI / 2, m[2], 1e-12);
        assertEquals(-3 * Math.PI / 8, m[4], 1e-12);
    }

    @Test
    void phaseShiftsAndPeriodsRepeatExactlyEnough() {
        var shuttle = new Trajectory.Shuttle(0, 0, 10, 0, 20, Math.PI, true);
        double[] m = new double[5];
        shuttle.sample(0, m);
        assertEquals(10, m[0], 1e-12, "phase pi starts at b");
        double[] late = new double[5];
        shuttle.sample(3.25 + 20 * 1_000_000, late);
        shuttle.sample(3.25, m);
        assertEquals(m[0], late[0], 1e-9, "a million periods later");
    }

    @Test
    void rejectsDegenerateShuttles() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new Trajectory.Shuttle(1, 1, 1, 1, 5, 0, true));
        assertEquals("shuttle ends must differ, got (1.0, 1.0) twice", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new Trajectory.Shuttle(0, 0, 1, 1, 0, 0, true));
    }
}
