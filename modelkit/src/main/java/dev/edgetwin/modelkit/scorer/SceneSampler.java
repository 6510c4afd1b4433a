package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.COLLISION_DISTANCE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PEOPLE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEP_SECONDS;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws plausible planner candidates with people around them, deterministically from a seed.
 *
 * <p>The robot is a unicycle starting at the origin facing x: initial speed uniform in [0, 1.2] m/s
 * with a constant acceleration in [-0.6, 0.6] m/s^2 (speed kept in [0, {@value #MAX_ROBOT_SPEED}]),
 * initial curvature in [-1, 1] 1/m changing at a constant rate in [-1, 1] 1/(m s) (kept within
 * +-1.5 1/m); one candidate in ten stands still. There are 1 to {@value ScorerContract#PEOPLE}
 * people; a person stands still one time in four, else walks at a speed uniform in [0.2, 1.8] m/s
 * in a uniform direction. Two people in three are placed to meet the candidate: at a uniform step
 * of the horizon they would be, at constant velocity, within 2 m (uniform over the disc) of where
 * the robot is then. The others stand or walk anywhere in x in [-3, 8] m, y in [-5, 5] m. Nobody
 * starts within {@link ScorerContract#COLLISION_DISTANCE} of the robot.
 *
 * <p>Sines, cosines and square roots come from {@link StrictMath}, so the scenes are the same bits
 * on every JVM and platform.
 */
final class SceneSampler {
    static final String DESCRIPTION =
            "unicycle candidates (speed 0..1.2 m/s, accel -0.6..0.6 m/s^2, curvature -1..1 1/m"
                    + " changing -1..1 1/(m s), 10% standing), 1-4 people (25% standing, else"
                    + " 0.2..1.8 m/s), 2/3 placed to pass within 2 m of the candidate at constant"
                    + " velocity, 1/3 anywhere in x -3..8 m, y -5..5 m";

    static final double MAX_ROBOT_SPEED = 1.5;
    private static final double MAX_CURVATURE = 1.5;
    private static final double ENCOUNTER_SHARE = 2.0 / 3.0;
    private static final double ENCOUNTER_RADIUS = 2.0;

    private final SplittableRandom random;

    SceneSampler(long seed) {
        random = new SplittableRandom(seed);
    }

    /** The next {@code count} scenes. */
    List<Scene> next(int count) {
        List<Scene> scenes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            scenes.add(next());
        }
        return scenes;
    }

    Scene next() {
        double[] x = new double[STEPS];
        double[] y = new double[STEPS];
        double[] heading = new double[STEPS];
        double[] speed = new double[STEPS];
        boolean standing = random.nextDouble() < 0.1;
        double v = standing ? 0 : uniform(0, 1.2);
        double accel = standing ? 0 : uniform(-0.6, 0.6);
        double curvature = uniform(-1, 1);
        double curvatureRate = uniform(-1, 1);
        double px = 0;
        double py = 0;
        double h = 0;
        for (int t = 0; t < STEPS; t++) {
            v = clamp(v + accel * STEP_SECONDS, 0, MAX_ROBOT_SPEED);
            curvature =
                    clamp(curvature + curvatureRate * STEP_SECONDS, -MAX_CURVATURE, MAX_CURVATURE);
            h += v * curvature * STEP_SECONDS;
            px += v * StrictMath.cos(h) * STEP_SECONDS;
            py += v * StrictMath.sin(h) * STEP_SECONDS;
            x[t] = px;
            y[t] = py;
            heading[t] = h;
            speed[t] = v;
        }
        int count = 1 + random.nextInt(PEOPLE);
        List<Scene.Person> people = new ArrayList<>(count);
        while (people.size() < count) {
            Scene.Person p = person(x, y);
            if (p.distance() >= COLLISION_DISTANCE) {
                people.add(p);
            }
        }
        return new Scene(x, y, heading, speed, people);
    }

    private Scene.Person person(double[] robotX, double[] robotY) {
        double speed = random.nextDouble() < 0.25 ? 0 : uniform(0.2, 1.8);
        double direction = uniform(0, 2 * Math.PI);
        double vx = speed * StrictMath.cos(direction);
        double vy = speed * StrictMath.sin(direction);
        if (random.nextDouble() < ENCOUNTER_SHARE) {
            int step = random.nextInt(STEPS);
            double time = (step + 1) * STEP_SECONDS;
            double r = ENCOUNTER_RADIUS * StrictMath.sqrt(random.nextDouble());
            double a = uniform(0, 2 * Math.PI);
            double meetX = robotX[step] + r * StrictMath.cos(a);
            double meetY = robotY[step] + r * StrictMath.sin(a);
            return new Scene.Person(meetX - vx * time, meetY - vy * time, vx, vy);
        }
        return new Scene.Person(uniform(-3, 8), uniform(-5, 5), vx, vy);
    }

    private double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
