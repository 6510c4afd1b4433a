package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private static final double WIDTH = 3.0;
    private static final double Y = Worlds.centre(WIDTH);
    private final StaticMap corridor = Worlds.corridor(14, WIDTH);
    private final RobotConfig robot = RobotConfig.defaults();

    @Test
    void inAnEmptyCorridorItDrivesToTheGoal() {
        ClosedLoop loop =
                new ClosedLoop(
                        corridor,
                        robot,
                        Worlds.smallConfig(),
                        RobotState.at(1, Y, 0),
                        List.of(),
                        null);
        Pose goal = new Pose(12, Y, 0);
        loop.run(goal, 400, 0.3);
        assertTrue(
                loop.state.pose().distanceTo(goal) < 0.3, "reached the goal: " + loop.state.pose());
        assertTrue(loop.minStaticGap > 0, "never touched a wall: " + loop.minStaticGap);
        // 11 m at up to 1 m/s: it should not dawdle (the first cycles accelerate).
        assertTrue(loop.results.size() < 300, "cycles: " + loop.results.size());
        PlanSummary first = loop.results.get(0).plan().orElseThrow();
        assertTrue(first.collisionFree());
        assertEquals(LearnedCriticStatus.NONE, first.learned());
        assertEquals(5, first.alternatives().size());
        assertEquals(Critic.values().length, first.breakdown().size());
    }

    @Test
    void aBoxInTheLaneIsPassedOrStoppedForButNeverHit() {
        for (double boxY : new double[] {Y, Y + 0.4, Y - 0.4}) {
            Track box = Track.of("box", ObstacleClass.BOX, 5, boxY, 0, 0, 0.3, 0.03);
            ClosedLoop loop =
                    new ClosedLoop(
                            corridor,
                            robot,
                            Worlds.smallConfig(),
                            RobotState.at(1, Y, 0),
                            List.of(box),
                            null);
            Pose goal = new Pose(12, Y, 0);
            loop.run(goal, 500, 0.3);
            assertTrue(
                    loop.minObjectGap > 0,
                    "box at y=" + boxY + ": never hit it, gap " + loop.minObjectGap);
            assertTrue(loop.minStaticGap > 0, "never touched a wall: " + loop.minStaticGap);
            assertTrue(
                    loop.state.pose().x() > 5.5 || loop.state.velocity().vx() == 0,
                    "detoured past the box or stopped: " + loop.state);
        }
    }

    @Test
    void aFullyBlockedAisleStopsWithoutCollision() {
        Track pallet = Track.of("pallet", ObstacleClass.BOX, 5, Y, 0, 0, 1.5, 0.03);
        ClosedLoop loop =
                new ClosedLoop(
                        corridor,
                        robot,
                        Worlds.smallConfig(),
                        RobotState.at(1, Y, 0),
                        List.of(pallet),
                        null);
        loop.run(new Pose(12, Y, 0), 200, 0.3);
        assertTrue(loop.minObjectGap > 0, "gap " + loop.minObjectGap);
        assertTrue(loop.state.pose().x() < 5, "stays before the pallet");
        assertTrue(Math.abs(loop.state.velocity().vx()) < 0.05, "stopped: " + loop.state);
        String reason = loop.results.get(loop.results.size() - 1).reason();
        assertTrue(reason.startsWith(Planner.BLOCKED_REASON + "[pallet]"), reason);
    }

    @Test
    void aPersonWalkingTowardTheRobotIsGivenTheMargin() {
        StaticMap hall = Worlds.corridor(14, 5.0);
        double y = Worlds.centre(5.0);
        Track person = Track.of("alice", ObstacleClass.PERSON, 9, y, -0.8, 0, 0.25, 0.05);
        PlannerConfig cfg = Worlds.smallConfig();
        ClosedLoop loop =
                new ClosedLoop(hall, robot, cfg, RobotState.at(1, y, 0), List.of(person), null);
        loop.run(new Pose(12, y, 0), 400, 0.3);
        assertTrue(
                loop.minPersonGap >= cfg.safety().personProtectiveMargin(),
                "kept at least the protective margin from the person: " + loop.minPersonGap);
        assertTrue(loop.state.pose().x() > 11, "and still got there: " + loop.state.pose());
    }

    @Test
    void resultsDoNotDependOnTheNumberOfThreads() {
        Track box = Track.of("box", ObstacleClass.BOX, 4, Y + 0.2, 0, 0, 0.3, 0.03);
        Track person = Track.of("p", ObstacleClass.PERSON, 6, Y - 0.8, -0.5, 0.2, 0.25, 0.05);
        PlanSummary[] plans = new PlanSummary[3];
        int i = 0;
        for (int threads : new int[] {1, 2, 3}) {
            PlannerConfig cfg = Worlds.smallConfig();
            cfg = cfg.withMppi(cfg.mppi().withThreads(threads));
            ClosedLoop loop =
                    new ClosedLoop(
                            corridor,
                            robot,
                            cfg,
                            RobotState.at(1, Y, 0),
                            List.of(box, person),
                            null);
            loop.run(new Pose(12, Y, 0), 20, 0.1);
            plans[i++] = loop.results.get(19).plan().orElseThrow();
            loop.planner.close();
        }
        for (int j = 1; j < 3; j++) {
            assertEquals(plans[0].command(), plans[j].command());
            assertEquals(plans[0].cost(), plans[j].cost());
            assertEquals(plans[0].alternatives(), plans[j].alternatives());
        }
    }

    @Test
    void noRouteMeansStop() {
        ClosedLoop loop =
                new ClosedLoop(
                        corridor,
                        robot,
                        Worlds.smallConfig(),
                        RobotState.at(1, Y, 0),
                        List.of(),
                        null);
        WorldSnapshot world = new WorldSnapshot(0, List.of());
        CycleResult r = loop.planner.cycle(world, loop.state, new Pose(40, Y, 0));
        assertTrue(r.command().isStop());
        assertFalse(r.plan().isPresent());
    }
}
