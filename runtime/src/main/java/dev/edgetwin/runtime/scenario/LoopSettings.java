package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.PlannerConfig;
import dev.edgetwin.planner.RobotConfig;
import java.util.Objects;

/**
 * How a closed-loop episode runs; validated when built. Times are scene (simulated) time.
 *
 * @param cameraPeriodMillis one frame every this many milliseconds (a multiple of 10)
 * @param controlPeriodMillis one planner cycle every this many milliseconds (a multiple of 10)
 * @param perceptionLatencyMillis a frame's tracks reach the planner this long after its capture (a
 *     multiple of 10, less than the camera period): detection and tracking take time
 * @param goalTolerance metres from the goal that count as arrived
 * @param cameraNoiseSigma sensor noise of the simulated camera, 0-255 levels
 * @param planner the planner's configuration
 * @param robot the robot the planner plans for; its footprint is also what collisions are checked
 *     with
 */
public record LoopSettings(
        int cameraPeriodMillis,
        int controlPeriodMillis,
        int perceptionLatencyMillis,
        double goalTolerance,
        double cameraNoiseSigma,
        PlannerConfig planner,
        RobotConfig robot) {

    /** The simulated base's tick: every time in the loop is a multiple of it. */
    static final int TICK_MILLIS = 10;

    public LoopSettings {
        Objects.requireNonNull(planner, "planner");
        Objects.requireNonNull(robot, "robot");
        requireTicks("cameraPeriodMillis", cameraPeriodMillis, TICK_MILLIS);
        requireTicks("controlPeriodMillis", controlPeriodMillis, TICK_MILLIS);
        requireTicks("perceptionLatencyMillis", perceptionLatencyMillis, 0);
        if (perceptionLatencyMillis >= cameraPeriodMillis) {
            throw new IllegalArgumentException(
                    "perceptionLatencyMillis must be below cameraPeriodMillis ("
                            + cameraPeriodMillis
                            + "), got "
                            + perceptionLatencyMillis);
        }
        if (!(goalTolerance > 0 && goalTolerance <= 2)) {
            throw new IllegalArgumentException(
                    "goalTolerance must be in (0, 2] m, got " + goalTolerance);
        }
        if (!(cameraNoiseSigma >= 0 && cameraNoiseSigma <= 255)) {
            throw new IllegalArgumentException(
                    "cameraNoiseSigma must be in [0, 255], got " + cameraNoiseSigma);
        }
    }

    /**
     * Camera and planner at 10 Hz, tracks 50 ms after capture, 0.3 m goal tolerance, the daemon's
     * simulated camera noise (2 levels), the planner's defaults at 2048 x 56 (about Nav2's
     * documented 2000 x 56) on one thread, the default robot.
     */
    public static LoopSettings defaults() {
        PlannerConfig planner = PlannerConfig.defaults();
        return new LoopSettings(
                100,
                100,
                50,
                0.3,
                2.0,
                planner.withMppi(planner.mppi().withSamples(2048, 56).withThreads(1)),
                RobotConfig.defaults());
    }

    public LoopSettings withPlanner(PlannerConfig config) {
        return new LoopSettings(
                cameraPeriodMillis,
                controlPeriodMillis,
                perceptionLatencyMillis,
                goalTolerance,
                cameraNoiseSigma,
                config,
                robot);
    }

    private static void requireTicks(String name, int millis, int least) {
        if (millis < least || millis % TICK_MILLIS != 0 || millis > 10_000) {
            throw new IllegalArgumentException(
                    name
                            + " must be a multiple of "
                            + TICK_MILLIS
                            + " ms from "
                            + least
                            + " to 10000, got "
                            + millis);
        }
    }
}
