package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.scorer.ScorerContract;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxTrajectoryCriticTest {
    @TempDir static Path cache;
    static Path model;

    @BeforeAll
    static void generateModel() throws Exception {
        model = ModelCache.ensureTrajectoryScorer(cache);
    }

    @Test
    void theRestatedContractMatchesTheModelKits() {
        assertEquals(ScorerContract.INPUT_NAME, OnnxTrajectoryCritic.INPUT_NAME);
        assertEquals(ScorerContract.OUTPUT_NAME, OnnxTrajectoryCritic.OUTPUT_NAME);
        assertEquals(ScorerContract.STEPS, OnnxTrajectoryCritic.STEPS);
        assertEquals(ScorerContract.STEP_SECONDS, OnnxTrajectoryCritic.STEP_SECONDS);
        assertEquals(ScorerContract.FEATURES, OnnxTrajectoryCritic.FEATURES);
        assertEquals(ScorerContract.ROBOT_X, OnnxTrajectoryCritic.ROBOT_X);
        assertEquals(ScorerContract.ROBOT_Y, OnnxTrajectoryCritic.ROBOT_Y);
        assertEquals(ScorerContract.ROBOT_HEADING, OnnxTrajectoryCritic.ROBOT_HEADING);
        assertEquals(ScorerContract.ROBOT_SPEED, OnnxTrajectoryCritic.ROBOT_SPEED);
        for (int slot = 0; slot < ScorerContract.PEOPLE; slot++) {
            for (int w = 0; w < ScorerContract.PERSON_FEATURES; w++) {
                assertEquals(
                        ScorerContract.personFeature(slot, w),
                        OnnxTrajectoryCritic.personFeature(slot, w));
            }
        }
        assertEquals(ScorerContract.PERSON_DX, OnnxTrajectoryCritic.PERSON_DX);
        assertEquals(ScorerContract.PERSON_VY, OnnxTrajectoryCritic.PERSON_VY);
    }

    /** A batch of two straight candidates at 1 m/s from (2, 3) facing +y; 0.05 s steps. */
    private static TrajectoryBatch straightBatch(double personX, double personY) {
        int steps = 64;
        double dt = 0.05;
        TrajectoryBatch b = new TrajectoryBatch(2, steps, dt);
        for (int k = 0; k < 2; k++) {
            double v = k == 0 ? 1.0 : 0.0;
            for (int t = 0; t < steps; t++) {
                int i = k * steps + t;
                b.x[i] = 2f;
                b.y[i] = (float) (3 + v * (t + 1) * dt);
                b.cos[i] = 0f;
                b.sin[i] = 1f;
                b.speed[i] = (float) v;
            }
        }
        b.setCount(2);
        b.setRobot(2, 3, Math.PI / 2);
        b.addPerson(personX, personY, 0, 0);
        return b;
    }

    @Test
    void scoresAPersonOnThePathAsRiskyAndOneFarBehindAsSafe() throws Exception {
        try (OnnxTrajectoryCritic critic = OnnxTrajectoryCritic.open(model, 2, 1)) {
            float[] risk = new float[2];
            // Standing 1.2 m ahead of the moving candidate (in the robot's frame: x forward).
            critic.score(straightBatch(2, 4.2), risk);
            assertTrue(risk[0] > 0.9, "on the path: " + risk[0]);
            critic.score(straightBatch(2, -4), risk);
            assertTrue(risk[0] < 0.05 && risk[1] < 0.05, "far behind: " + risk[0] + ", " + risk[1]);
            // The same scene rotated (robot facing +x, person ahead on +x) scores the same.
            TrajectoryBatch rotated = new TrajectoryBatch(1, 64, 0.05);
            for (int t = 0; t < 64; t++) {
                rotated.x[t] = (float) (2 + (t + 1) * 0.05);
                rotated.y[t] = 3f;
                rotated.cos[t] = 1f;
                rotated.speed[t] = 1f;
            }
            rotated.setCount(1);
            rotated.setRobot(2, 3, 0);
            rotated.addPerson(3.2, 3, 0, 0);
            float[] r2 = new float[1];
            critic.score(rotated, r2);
            critic.score(straightBatch(2, 4.2), risk);
            assertEquals(risk[0], r2[0], 1e-4);
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseThrows() throws Exception {
        OnnxTrajectoryCritic critic = OnnxTrajectoryCritic.open(model, 2, 1);
        critic.close();
        critic.close();
        assertThrows(
                IllegalStateException.class, () -> critic.score(straightBatch(0, 0), new float[2]));
    }

    @Test
    void theLearnedCriticRunsInTheCycleAndIsSkippedAndReportedAtAZeroDeadline() throws Exception {
        double width = 4.0;
        double y = Worlds.centre(width);
        StaticMap hall = Worlds.corridor(12, width);
        Track person = Track.of("dora", ObstacleClass.PERSON, 4, y + 0.3, -0.5, 0, 0.25, 0.05);
        RobotConfig robot = RobotConfig.defaults();
        try (OnnxTrajectoryCritic critic = OnnxTrajectoryCritic.open(model, 64, 1)) {
            for (Duration deadline : new Duration[] {Duration.ofSeconds(30), Duration.ZERO}) {
                PlannerConfig cfg = Worlds.smallConfig();
                cfg = cfg.withMppi(cfg.mppi().withLearned(64, deadline, 20.0));
                ClosedLoop loop =
                        new ClosedLoop(
                                hall, robot, cfg, RobotState.at(1, y, 0), List.of(person), critic);
                loop.run(new Pose(10, y, 0), 5, 0.1);
                PlanSummary plan = loop.results.get(4).plan().orElseThrow();
                if (deadline.isZero()) {
                    assertEquals(LearnedCriticStatus.MISSED_DEADLINE, plan.learned());
                    assertEquals(0.0, plan.breakdown().get(Critic.LEARNED));
                } else {
                    assertEquals(LearnedCriticStatus.RAN, plan.learned());
                    assertTrue(plan.breakdown().get(Critic.LEARNED) >= 0);
                }
                loop.planner.close();
            }
        }
    }
}
