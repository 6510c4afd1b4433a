package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PEOPLE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEP_SECONDS;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One candidate trajectory of the robot and the people around it now, in the robot's frame at time
 * 0. The robot arrays hold the state after each of the {@value ScorerContract#STEPS} steps.
 *
 * @param people at most {@value ScorerContract#PEOPLE}, nearest first
 */
record Scene(
        double[] robotX,
        double[] robotY,
        double[] robotHeading,
        double[] robotSpeed,
        List<Person> people) {

    /** A person now: position (m) and velocity (m/s), robot frame at time 0. */
    record Person(double x, double y, double vx, double vy) {
        double distance() {
            return Math.sqrt(x * x + y * y);
        }
    }

    Scene {
        for (double[] a : new double[][] {robotX, robotY, robotHeading, robotSpeed}) {
            if (a.length != STEPS) {
                throw new IllegalArgumentException(
                        "robot arrays need " + STEPS + " steps, got " + a.length);
            }
        }
        if (people.size() > PEOPLE) {
            throw new IllegalArgumentException(
                    "at most " + PEOPLE + " people, got " + people.size());
        }
        robotX = robotX.clone();
        robotY = robotY.clone();
        robotHeading = robotHeading.clone();
        robotSpeed = robotSpeed.clone();
        people = people.stream().sorted(Comparator.comparingDouble(Person::distance)).toList();
    }

    /** A robot standing at the origin, facing x, for the whole horizon. */
    static Scene standingRobot(List<Person> people) {
        double[] zeros = new double[STEPS];
        return new Scene(zeros, zeros, zeros, zeros, people);
    }

    /** A robot driving straight along x at {@code speed} m/s from the origin. */
    static Scene straightRobot(double speed, List<Person> people) {
        double[] x = new double[STEPS];
        double[] v = new double[STEPS];
        for (int t = 0; t < STEPS; t++) {
            x[t] = speed * (t + 1) * STEP_SECONDS;
            v[t] = speed;
        }
        return new Scene(x, new double[STEPS], new double[STEPS], v, people);
    }

    /** Writes this scene as one [STEPS, FEATURES] row of the contract's input at {@code offset}. */
    void write(float[] out, int offset) {
        Arrays.fill(out, offset, offset + STEPS * FEATURES, 0f);
        for (int t = 0; t < STEPS; t++) {
            int row = offset + t * FEATURES;
            double time = (t + 1) * STEP_SECONDS;
            out[row + ScorerContract.ROBOT_X] = (float) robotX[t];
            out[row + ScorerContract.ROBOT_Y] = (float) robotY[t];
            out[row + ScorerContract.ROBOT_HEADING] = (float) robotHeading[t];
            out[row + ScorerContract.ROBOT_SPEED] = (float) robotSpeed[t];
            for (int s = 0; s < people.size(); s++) {
                Person p = people.get(s);
                out[row + ScorerContract.personFeature(s, ScorerContract.PRESENT)] = 1f;
                out[row + ScorerContract.personFeature(s, ScorerContract.PERSON_DX)] =
                        (float) (p.x() + p.vx() * time - robotX[t]);
                out[row + ScorerContract.personFeature(s, ScorerContract.PERSON_DY)] =
                        (float) (p.y() + p.vy() * time - robotY[t]);
                out[row + ScorerContract.personFeature(s, ScorerContract.PERSON_VX)] =
                        (float) p.vx();
                out[row + ScorerContract.personFeature(s, ScorerContract.PERSON_VY)] =
                        (float) p.vy();
            }
        }
    }

    /** The contract's input for these scenes: float32 [scenes.size(), STEPS, FEATURES]. */
    static float[] rows(List<Scene> scenes) {
        float[] out = new float[scenes.size() * STEPS * FEATURES];
        for (int i = 0; i < scenes.size(); i++) {
            scenes.get(i).write(out, i * STEPS * FEATURES);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Scene[" + STEPS + " steps, " + people.size() + " people]";
    }
}
