package dev.edgetwin.modelkit.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.scorer.Scene.Person;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The label function on scenes whose answer is known without simulating. */
class CollisionRolloutsTest {
    private static final int ROLLOUTS = 2000;

    @Test
    void aPersonStandingOnThePathIsAlmostSurelyHit() {
        // The robot drives along x at 1 m/s; she stands 1.2 m ahead: centres are 0.7 m apart
        // after 0.5 s, and she would have to step 0.8 m aside within a second to avoid it.
        Scene scene = Scene.straightRobot(1.0, List.of(new Person(1.2, 0, 0, 0)));
        assertTrue(risk(scene, 1) > 0.99, "risk " + risk(scene, 1));
    }

    @Test
    void aPersonFarAwayWalkingAwayIsNeverHit() {
        Scene scene = Scene.straightRobot(1.0, List.of(new Person(-6, 3, -1.2, 0.5)));
        assertEquals(0.0, risk(scene, 1));
        Scene ahead = Scene.straightRobot(1.0, List.of(new Person(9, 0, 1.4, 0)));
        assertEquals(0.0, risk(ahead, 2));
    }

    @Test
    void aPersonWalkingIntoAStandingRobotIsHit() {
        Scene scene = Scene.standingRobot(List.of(new Person(2.0, 0, -1.5, 0)));
        assertTrue(risk(scene, 3) > 0.9, "risk " + risk(scene, 3));
    }

    @Test
    void riskFallsWithTheGapBesideThePathAndIsUncertainNearTheEdge() {
        // A person standing beside a straight path, at increasing lateral distance. At 0.3 m the
        // robot passes inside the collision distance (0.8 m); beyond it, only their stochastic
        // motion can cause a collision, less and less likely with the gap.
        double[] gaps = {0.3, 1.0, 1.4, 2.0, 3.0};
        double[] risks = new double[gaps.length];
        for (int i = 0; i < gaps.length; i++) {
            risks[i] = risk(Scene.straightRobot(1.0, List.of(new Person(1.0, gaps[i], 0, 0))), 4);
        }
        assertTrue(risks[0] > 0.97, "inside the collision distance: " + risks[0]);
        for (int i = 1; i < gaps.length; i++) {
            assertTrue(risks[i] < risks[i - 1], "not falling: " + Arrays.toString(risks));
        }
        assertTrue(risks[1] > 0.05 && risks[1] < 0.95, "1.0 m beside: " + risks[1]);
        assertTrue(risks[4] < 0.02, "3 m beside: " + risks[4]);
    }

    @Test
    void peopleMoveIndependentlySoRisksCombineAsAProduct() {
        Scene scene =
                Scene.straightRobot(
                        0.8,
                        List.of(
                                new Person(1.2, 1.3, 0, -0.4),
                                new Person(2.0, -1.4, 0.1, 0.3),
                                new Person(0.5, 2.0, 0.5, -0.8)));
        CollisionRollouts.Risk r = CollisionRollouts.simulate(scene, 20_000, 5);
        double free = 1;
        double max = 0;
        for (double p : r.perPerson()) {
            free *= 1 - p;
            max = Math.max(max, p);
            assertTrue(p > 0.05 && p < 0.95, "each person should matter: " + p);
        }
        assertTrue(r.any() >= max);
        // Four standard errors of a 20,000-rollout estimate near 0.5.
        assertEquals(1 - free, r.any(), 0.015);
    }

    @Test
    void sameSeedSameLabelsOtherSeedCloseLabels() {
        Scene scene =
                Scene.straightRobot(
                        1.0, List.of(new Person(1.0, 1.0, 0, 0), new Person(2, -1.2, 0, 0.3)));
        CollisionRollouts.Risk a = CollisionRollouts.simulate(scene, ROLLOUTS, 11);
        CollisionRollouts.Risk b = CollisionRollouts.simulate(scene, ROLLOUTS, 11);
        CollisionRollouts.Risk c = CollisionRollouts.simulate(scene, ROLLOUTS, 12);
        assertEquals(a.any(), b.any());
        assertArrayEquals(a.perPerson(), b.perPerson());
        assertEquals(a.any(), c.any(), 0.05);
    }

    @Test
    void rejectsNoRollouts() {
        Scene scene = Scene.standingRobot(List.of(new Person(3, 0, 0, 0)));
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CollisionRollouts.simulate(scene, 0, 1));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }

    private static double risk(Scene scene, long seed) {
        return CollisionRollouts.simulate(scene, ROLLOUTS, seed).any();
    }
}
