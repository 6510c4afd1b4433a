package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SafetyLayerTest {
    private static final double Y = Worlds.centre(3.0);
    private final StaticMap map = Worlds.corridor(10, 3.0);
    private final RobotConfig robot = RobotConfig.defaults();
    private final SafetyLayer safety = new SafetyLayer(map, robot, SafetyConfig.defaults());
    private final RobotState moving =
            new RobotState(new Pose(2, Y, 0), new VelocityCommand(0.8, 0, 0));
    private final VelocityCommand ahead = new VelocityCommand(0.8, 0, 0);

    @Test
    void aClearCommandPasses() {
        SafetyVerdict v = safety.check(ahead, moving, new WorldSnapshot(0, List.of()), 0);
        assertFalse(v.stopped(), v.reason());
        assertEquals(ahead, v.command());
    }

    @Test
    void aCommandIntoABoxIsReplacedByStop() {
        Track box = Track.of("box", ObstacleClass.BOX, 3.2, Y, 0, 0, 0.3, 0.02);
        SafetyVerdict v = safety.check(ahead, moving, new WorldSnapshot(0, List.of(box)), 0);
        assertEquals(SafetyVerdict.Outcome.STOP_COLLISION, v.outcome());
        assertTrue(v.command().isStop());
        assertTrue(v.reason().contains("box"), v.reason());
    }

    @Test
    void aCommandIntoAWallIsReplacedByStop() {
        RobotState facingWall =
                new RobotState(new Pose(2, Y + 0.8, Math.PI / 2), new VelocityCommand(0.8, 0, 0));
        SafetyVerdict v = safety.check(ahead, facingWall, new WorldSnapshot(0, List.of()), 0);
        assertEquals(SafetyVerdict.Outcome.STOP_COLLISION, v.outcome());
    }

    @Test
    void aCommandIntoAPersonsProtectiveZoneIsReplacedByStopButAPassingOneIsNot() {
        // Person walking toward the robot's lane; without the margin the rollout would just miss
        // (gap 0.2 m).
        Track person = Track.of("bob", ObstacleClass.PERSON, 2.8, Y + 0.75, 0, 0, 0.25, 0.02);
        SafetyVerdict v = safety.check(ahead, moving, new WorldSnapshot(0, List.of(person)), 0);
        assertEquals(SafetyVerdict.Outcome.STOP_PERSON_ZONE, v.outcome(), v.reason());
        // The same geometry as a box (no protective zone) passes.
        Track box = Track.of("box", ObstacleClass.BOX, 2.8, Y + 0.75, 0, 0, 0.25, 0.02);
        assertFalse(safety.check(ahead, moving, new WorldSnapshot(0, List.of(box)), 0).stopped());
        // Predicted motion counts: a person stepping into the lane within the second.
        Track stepping = Track.of("carol", ObstacleClass.PERSON, 3.0, Y + 1.3, 0, -1.2, 0.25, 0.02);
        assertTrue(
                safety.check(ahead, moving, new WorldSnapshot(0, List.of(stepping)), 0).stopped());
    }

    @Test
    void aStaleSnapshotMeansStop() {
        long age = SafetyConfig.defaults().maxSnapshotAge().toNanos();
        WorldSnapshot world = new WorldSnapshot(1_000_000_000L, List.of());
        assertFalse(safety.check(ahead, moving, world, 1_000_000_000L + age).stopped());
        SafetyVerdict v = safety.check(ahead, moving, world, 1_000_000_000L + age + 1);
        assertEquals(SafetyVerdict.Outcome.STOP_STALE_SNAPSHOT, v.outcome());
        assertTrue(v.command().isStop());
    }

    @Test
    void thePlannerPassesItsCommandThroughTheSafetyLayer() {
        // A snapshot older than allowed: the planner's own command is replaced by a stop.
        long[] now = {0};
        try (Planner planner = new Planner(map, robot, Worlds.smallConfig(), () -> now[0], null)) {
            now[0] = 5_000_000_000L;
            CycleResult r =
                    planner.cycle(new WorldSnapshot(0, List.of()), moving, new Pose(9, Y, 0));
            assertTrue(r.command().isStop());
            assertEquals(SafetyVerdict.Outcome.STOP_STALE_SNAPSHOT, r.safety().outcome());
            assertFalse(r.plan().orElseThrow().command().isStop(), "the optimiser wanted to move");
        }
    }
}
