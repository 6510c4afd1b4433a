package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObservedSpeedLimitTest {
    private final RobotConfig robot = RobotConfig.defaults();
    private final ObservedSpeedLimit limit = new ObservedSpeedLimit(robot);

    /** 20 x 10 m at 0.1 m, observed where x < {@code observedToX}. */
    private static ObservedSpace observedTo(double observedToX) {
        int w = 200;
        int h = 100;
        boolean[] cells = new boolean[w * h];
        for (int row = 0; row < h; row++) {
            for (int col = 0; col < w; col++) {
                cells[row * w + col] = (col + 0.5) * 0.1 < observedToX;
            }
        }
        return new ObservedSpace(w, h, 0.1, 0, 0, cells);
    }

    /** The distance a robot at speed v needs to stop: reaction (delay + 0.1 s), then braking. */
    private double stopping(double v) {
        return v * (robot.actuatorDelay() + 0.1) + v * v / (2 * robot.accVx());
    }

    @Test
    void everywhereObservedLeavesTheCommandAlone() {
        VelocityCommand cmd = new VelocityCommand(1.0, 0, 0.3);
        var r = limit.limit(cmd, new Pose(5, 5, 0), ObservedSpace.everywhere());
        assertEquals(cmd, r.command());
        assertFalse(r.limited());
    }

    @Test
    void farObservedFloorLeavesTheCommandAlone() {
        VelocityCommand cmd = new VelocityCommand(1.0, 0, 0);
        var r = limit.limit(cmd, new Pose(5, 5, 0), observedTo(10));
        assertEquals(cmd, r.command());
    }

    @Test
    void towardUnobservedFloorTheRobotCanStopWithinWhatItSaw() {
        // The footprint's front is at x + 0.4; floor observed to x = 6.
        for (double x : new double[] {5.0, 5.2, 5.4}) {
            var r = limit.limit(new VelocityCommand(1.0, 0, 0.2), new Pose(x, 5, 0), observedTo(6));
            double v = r.command().vx();
            double front = x + 0.4;
            double free = 6 - front;
            assertTrue(r.limited(), "at " + x);
            assertEquals(0.2, r.command().wz(), 1e-12, "the turn rate is kept");
            assertTrue(
                    stopping(v) <= free - ObservedSpeedLimit.MARGIN + 1e-9,
                    "at " + x + ": " + v + " m/s needs " + stopping(v) + " m, free " + free);
            // Not needlessly slow: within one checking step of the limit.
            assertTrue(
                    stopping(v) >= free - ObservedSpeedLimit.MARGIN - 2 * ObservedSpeedLimit.STEP,
                    "at " + x + ": " + v + " m/s stops in " + stopping(v) + " m, free " + free);
        }
    }

    @Test
    void atTheEdgeOfTheObservedFloorOnlyTurningIsLeft() {
        var r = limit.limit(new VelocityCommand(0.5, 0, 0.4), new Pose(5.6, 5, 0), observedTo(6));
        assertEquals(0, r.command().vx(), 1e-12);
        assertEquals(0.4, r.command().wz(), 1e-12);
    }

    @Test
    void reversingIsLimitedByTheFloorBehind() {
        // Facing away from the unobserved floor (+x), reversing toward it.
        var r =
                limit.limit(
                        new VelocityCommand(-0.3, 0, 0), new Pose(5.5, 5, Math.PI), observedTo(6));
        assertTrue(r.limited());
        assertTrue(r.command().vx() > -0.3 && r.command().vx() <= 0, "" + r.command());
        var away = limit.limit(new VelocityCommand(-0.3, 0, 0), new Pose(5.5, 5, 0), observedTo(6));
        assertEquals(-0.3, away.command().vx(), 1e-12);
    }

    @Test
    void thePlannerSendsTheLimitedCommandAndSaysWhy() {
        StaticMap map = Worlds.corridor(20, 4);
        double y = Worlds.centre(4);
        try (Planner planner = new Planner(map, robot, Worlds.smallConfig(), () -> 0L, null)) {
            CycleResult free =
                    planner.cycle(
                            new WorldSnapshot(0, List.of(), observedTo(20)),
                            new RobotState(new Pose(3, y, 0), new VelocityCommand(1, 0, 0)),
                            new Pose(15, y, 0));
            CycleResult limited =
                    planner.cycle(
                            new WorldSnapshot(0, List.of(), observedTo(3.8)),
                            new RobotState(new Pose(3, y, 0), new VelocityCommand(1, 0, 0)),
                            new Pose(15, y, 0));
            assertTrue(free.command().vx() > 0.5, free.toString());
            // 0.4 m free: 0.64 m/s stops within 0.3 m (0.1 m margin).
            assertTrue(limited.command().vx() <= 0.65, limited.toString());
            assertTrue(limited.reason().contains("unobserved floor"), limited.reason());
        }
    }

    @Test
    void badGridsAreRefusedWithTheReason() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new ObservedSpace(10, 10, 0.1, 0, 0, new boolean[99]));
        assertTrue(e.getMessage().contains("expected 100 cells, got 99"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new ObservedSpace(10, 10, 0, 0, 0, new boolean[100]));
    }
}
