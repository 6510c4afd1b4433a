package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.COLLISION_DISTANCE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEP_SECONDS;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The label function: the collision risk of a scene, estimated by Monte Carlo rollouts of people's
 * stochastic motion while the robot follows its candidate exactly.
 *
 * <p>Each step of {@value ScorerContract#STEP_SECONDS} s a person's velocity turns by a random
 * angle (heading noise, standard deviation {@value #HEADING_NOISE} rad per square-root second),
 * then gains a random isotropic kick (white-noise acceleration, {@value #ACCELERATION_NOISE} m/s
 * per square-root second per axis), is capped at {@value #MAX_PERSON_SPEED} m/s, and moves the
 * person. Without noise a person keeps their velocity, as the contract's relative positions assume.
 * People move independently of each other and of the robot. A rollout collides when the robot's
 * centre comes within {@link ScorerContract#COLLISION_DISTANCE} of a person's centre after any
 * step.
 *
 * <p>Deterministic: the same scene, rollout count and seed give the same labels on every JVM (the
 * normal deviates use {@link StrictMath}).
 */
final class CollisionRollouts {
    /** Heading noise, rad per square-root second. */
    static final double HEADING_NOISE = 0.3;

    /** White-noise acceleration per axis, m/s per square-root second. */
    static final double ACCELERATION_NOISE = 0.3;

    static final double MAX_PERSON_SPEED = 2.0;

    static final String DESCRIPTION =
            "people: heading noise 0.3 rad/sqrt(s), white-noise acceleration 0.3 m/s/sqrt(s) per"
                    + " axis, speed cap 2.0 m/s, independent; robot follows the candidate;"
                    + " collision: centres closer than 0.8 m after any of the 20 steps";

    private CollisionRollouts() {}

    /**
     * The fraction of rollouts in which the robot collides with anyone, and with each person (in
     * the scene's order).
     */
    record Risk(double any, double[] perPerson) {
        @Override
        public String toString() {
            return "Risk[any=" + any + ", " + perPerson.length + " people]";
        }
    }

    static Risk simulate(Scene scene, int rollouts, long seed) {
        if (rollouts < 1) {
            throw new IllegalArgumentException("rollouts must be at least 1, got " + rollouts);
        }
        List<Scene.Person> people = scene.people();
        NormalDeviates normal = new NormalDeviates(new SplittableRandom(seed));
        int[] hits = new int[people.size()];
        int anyHits = 0;
        for (int m = 0; m < rollouts; m++) {
            boolean any = false;
            for (int i = 0; i < people.size(); i++) {
                if (collides(scene, people.get(i), normal)) {
                    hits[i]++;
                    any = true;
                }
            }
            if (any) {
                anyHits++;
            }
        }
        double[] perPerson = new double[hits.length];
        for (int i = 0; i < hits.length; i++) {
            perPerson[i] = hits[i] / (double) rollouts;
        }
        return new Risk(anyHits / (double) rollouts, perPerson);
    }

    /** One rollout of one person; stops at the first collision. */
    private static boolean collides(Scene scene, Scene.Person p, NormalDeviates normal) {
        double[] robotX = scene.robotX();
        double[] robotY = scene.robotY();
        double sqrtDt = Math.sqrt(STEP_SECONDS);
        double headingStep = HEADING_NOISE * sqrtDt;
        double accelerationStep = ACCELERATION_NOISE * sqrtDt;
        double limit = COLLISION_DISTANCE * COLLISION_DISTANCE;
        double x = p.x();
        double y = p.y();
        double vx = p.vx();
        double vy = p.vy();
        for (int t = 0; t < STEPS; t++) {
            // Turn by atan(d), about d: rotate, then restore the speed.
            double d = headingStep * normal.next();
            double scale = 1 / Math.sqrt(1 + d * d);
            double turnedX = (vx - d * vy) * scale;
            double turnedY = (vy + d * vx) * scale;
            vx = turnedX + accelerationStep * normal.next();
            vy = turnedY + accelerationStep * normal.next();
            double speed2 = vx * vx + vy * vy;
            if (speed2 > MAX_PERSON_SPEED * MAX_PERSON_SPEED) {
                double cap = MAX_PERSON_SPEED / Math.sqrt(speed2);
                vx *= cap;
                vy *= cap;
            }
            x += vx * STEP_SECONDS;
            y += vy * STEP_SECONDS;
            double ex = x - robotX[t];
            double ey = y - robotY[t];
            if (ex * ex + ey * ey < limit) {
                return true;
            }
        }
        return false;
    }

    /** Standard normal deviates by Marsaglia's polar method; bit-identical everywhere. */
    static final class NormalDeviates {
        private final SplittableRandom random;
        private double spare;
        private boolean hasSpare;

        NormalDeviates(SplittableRandom random) {
            this.random = random;
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u;
            double v;
            double s;
            do {
                u = 2 * random.nextDouble() - 1;
                v = 2 * random.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            double m = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
            spare = v * m;
            hasSpare = true;
            return u * m;
        }
    }
}
