package dev.edgetwin.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class MotionModelTest {
    private static final RobotConfig DIFF = RobotConfig.differential(0.3, 1.0, -0.5, 1.0, 1.0, 2.0);
    private static final RobotConfig OMNI =
            new RobotConfig(
                    RobotConfig.Drive.OMNIDIRECTIONAL,
                    List.of(new RobotConfig.Circle(0, 0, 0.3)),
                    1.0,
                    -1.0,
                    0.5,
                    1.0,
                    1.0,
                    1.0,
                    2.0,
                    0.0);

    private static float[][] rollout(
            RobotConfig robot,
            double theta0,
            double vx0,
            float vx,
            float vy,
            float wz,
            int steps,
            double dt) {
        MotionModel m = new MotionModel(robot);
        float[] cx = new float[steps];
        float[] cy = new float[steps];
        float[] cw = new float[steps];
        java.util.Arrays.fill(cx, vx);
        java.util.Arrays.fill(cy, vy);
        java.util.Arrays.fill(cw, wz);
        float[][] out = new float[5][steps];
        m.rollout(
                0,
                0,
                theta0,
                vx0,
                0,
                0,
                cx,
                cy,
                cw,
                0,
                steps,
                dt,
                m.delaySteps(dt),
                out[0],
                out[1],
                out[2],
                out[3],
                out[4],
                0);
        return out;
    }

    @Test
    void differentialDriveAcceleratesWithinItsLimitAndIntegratesByEuler() {
        float[][] r = rollout(DIFF, 0, 0, 1f, 0f, 0f, 4, 0.1);
        // v: 0.1, 0.2, 0.3, 0.4; x: 0.01, 0.03, 0.06, 0.10.
        double[] v = {0.1, 0.2, 0.3, 0.4};
        double[] x = {0.01, 0.03, 0.06, 0.10};
        for (int t = 0; t < 4; t++) {
            assertEquals(v[t], r[4][t], 1e-6);
            assertEquals(x[t], r[0][t], 1e-6);
            assertEquals(0, r[1][t], 1e-6);
        }
    }

    @Test
    void actuatorDelayHoldsTheCurrentVelocity() {
        RobotConfig delayed = DIFF.withDelay(0.2); // two steps of 0.1 s
        float[][] r = rollout(delayed, 0, 0.5, 0f, 0f, 0f, 4, 0.1);
        // Holds 0.5 m/s for two steps, then brakes at 1 m/s^2: 0.5, 0.5, 0.4, 0.3.
        double[] v = {0.5, 0.5, 0.4, 0.3};
        double x = 0;
        for (int t = 0; t < 4; t++) {
            x += v[t] * 0.1;
            assertEquals(v[t], r[4][t], 1e-6);
            assertEquals(x, r[0][t], 1e-6);
        }
    }

    @Test
    void turningFollowsTheArc() {
        // Already at 1 m/s, turning at 1 rad/s after the yaw rate ramps at 2 rad/s^2 (0.2 per
        // step).
        MotionModel m = new MotionModel(DIFF);
        int steps = 50;
        float[] cx = new float[steps];
        float[] cy = new float[steps];
        float[] cw = new float[steps];
        java.util.Arrays.fill(cx, 1f);
        java.util.Arrays.fill(cw, 1f);
        float[][] out = new float[5][steps];
        m.rollout(
                0, 0, 0, 1, 0, 1, cx, cy, cw, 0, steps, 0.01, 0, out[0], out[1], out[2], out[3],
                out[4], 0);
        // Hand-computed Euler on the unit circle: x_{n+1} = x_n + cos(n h) h, y likewise.
        double x = 0;
        double y = 0;
        double th = 0;
        for (int t = 0; t < steps; t++) {
            x += Math.cos(th) * 0.01;
            y += Math.sin(th) * 0.01;
            th += 0.01;
            assertEquals(x, out[0][t], 1e-5);
            assertEquals(y, out[1][t], 1e-5);
            assertEquals(Math.cos(th), out[2][t], 1e-5);
            assertEquals(Math.sin(th), out[3][t], 1e-5);
        }
    }

    @Test
    void omnidirectionalMovesSideways() {
        // Facing +y, lateral velocity 0.5 m/s to the robot's left is -x in the map.
        float[][] r = rollout(OMNI, Math.PI / 2, 0, 0f, 0.5f, 0f, 10, 0.1);
        // vy ramps 0.1 .. 0.5 then holds: distance 0.01+0.02+0.03+0.04+0.05*6 = 0.40.
        assertEquals(-0.40, r[0][9], 1e-5);
        assertEquals(0.0, r[1][9], 1e-5);
    }

    @Test
    void stepClampsToVelocityLimits() {
        MotionModel m = new MotionModel(DIFF);
        RobotState s = new RobotState(new Pose(0, 0, 0), new VelocityCommand(0.95, 0, 0.9));
        RobotState n = m.step(s, new VelocityCommand(5, 3, -5), 0.1);
        assertEquals(1.0, n.velocity().vx(), 1e-12, "max forward speed");
        assertEquals(0.0, n.velocity().vy(), "no lateral motion for a differential drive");
        assertEquals(0.7, n.velocity().wz(), 1e-12, "yaw acceleration 2 rad/s^2 x 0.1 s");
        assertEquals(0.1, n.pose().x(), 1e-12);
        RobotState back =
                m.step(
                        new RobotState(new Pose(0, 0, 0), new VelocityCommand(-0.45, 0, 0)),
                        new VelocityCommand(-9, 0, 0),
                        0.1);
        assertEquals(-0.5, back.velocity().vx(), 1e-12, "reverse limit");
    }

    @Test
    void configsAreCheckedWhenBuilt() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> RobotConfig.differential(0.3, -1, -0.5, 1, 1, 1));
        assertEquals(true, e.getMessage().contains("maxVx"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new RobotConfig(
                                RobotConfig.Drive.DIFFERENTIAL,
                                List.of(new RobotConfig.Circle(0, 0, 0.3)),
                                1,
                                0,
                                0.5,
                                1,
                                1,
                                1,
                                1,
                                0));
        assertThrows(IllegalArgumentException.class, () -> new RobotConfig.Circle(0, 0, 0));
        assertThrows(
                IllegalArgumentException.class, () -> MppiConfig.defaults().withSamples(3, 10));
        assertThrows(IllegalArgumentException.class, () -> new ObstacleConfig(0.1, 0.5, 0, 0, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Track("t", ObstacleClass.BOX, 0, 0, 0, 0, 0.2, 1, 2, 1));
    }
}
