package dev.edgetwin.runtime.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.planner.RobotConfig;
import dev.edgetwin.planner.StaticMap;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.SimObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlannerScenarioTest {

    @Test
    void setupsArePureFunctionsOfScenarioAndSeed() {
        for (PlannerScenario s : PlannerScenario.values()) {
            assertEquals(s.setup(5).toString(), s.setup(5).toString());
            assertEquals(s.setup(5).start(), s.setup(5).start());
            assertNotEquals(s.setup(5).start(), s.setup(6).start(), s.label());
            assertEquals(s, PlannerScenario.byLabel(s.label()));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> PlannerScenario.byLabel("nope"));
        assertTrue(e.getMessage().contains("box-falls"), e.getMessage());
    }

    @Test
    void everySeedStartsAndEndsOnFreeFloorWithNothingOnTheRobot() throws Exception {
        RobotConfig robot = RobotConfig.defaults();
        for (PlannerScenario s : PlannerScenario.values()) {
            StaticMap map = ScenarioRunner.mapOf(s.setup(1));
            for (long seed = 1; seed <= 200; seed++) {
                EpisodeSetup setup = s.setup(seed);
                String what = s.label() + " seed " + seed;
                double need = robot.boundingRadius();
                assertTrue(
                        map.clearanceAt(setup.start().x(), setup.start().y()) >= need,
                        what + ": start");
                assertTrue(
                        map.clearanceAt(setup.goal().x(), setup.goal().y()) >= need,
                        what + ": goal");
                FactoryScene scene =
                        FactoryScene.scripted(
                                seed, setup.start(), setup.extraShelves(), setup.objects());
                double[] gaps =
                        ClosedLoopEpisode.gaps(robot, setup.start(), scene, scene.objectsAt(0));
                assertTrue(Math.min(gaps[1], gaps[2]) > 1.0, what + ": nothing near the start");
                for (SimObject o : scene.objectsAt(setup.timeLimitSeconds())) {
                    if (o.objectClass() != ObjectClass.BOX) {
                        continue;
                    }
                    double d = Math.hypot(o.x() - setup.goal().x(), o.y() - setup.goal().y());
                    assertTrue(d > 0.9, what + ": a box on the goal");
                }
            }
        }
    }

    @Test
    void theFallingBoxIsHiddenUntilItFallsAndTheCounterfactualKeepsItThere() {
        for (long seed = 1; seed <= 50; seed++) {
            EpisodeSetup setup = PlannerScenario.BOX_FALLS.setup(seed);
            var fell = setup.objects().get(0);
            var stays = setup.withoutFall().get(0);
            assertEquals(1, stays.path().size());
            assertEquals(fell.path().get(0), stays.path().get(0));
            // Inside the near shelf row (y 5.5-7.5, x 3-13), the whole footprint.
            var p = stays.path().get(0);
            double half = Math.hypot(fell.length(), fell.width()) / 2;
            assertTrue(p.y() + half < 7.5 && p.x() + half < 13 && p.x() - half > 3, "seed " + seed);
        }
    }

    @Test
    void theBlockedAisleHasNoWayRoundTheBoxes() {
        for (long seed = 1; seed <= 50; seed++) {
            EpisodeSetup setup = PlannerScenario.AISLE_BLOCKED.setup(seed);
            assertTrue(setup.expectStop());
            List<Double> ys =
                    setup.objects().stream().map(o -> o.path().get(0).y()).sorted().toList();
            assertTrue(ys.get(0) - 7.5 < 0.6, "no gap at the near shelf");
            assertTrue(12.5 - ys.get(ys.size() - 1) < 0.6, "no gap at the far shelf");
            for (int i = 1; i < ys.size(); i++) {
                // Boxes are at least 0.5 m: a gap of 0.8 m between centres leaves 0.3 m.
                assertTrue(ys.get(i) - ys.get(i - 1) < 0.8, "seed " + seed);
            }
            assertTrue(setup.goal().x() > setup.stopBeforeX() + 1);
        }
    }
}
