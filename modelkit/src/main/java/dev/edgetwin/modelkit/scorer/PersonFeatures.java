package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_DX;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_DY;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_VX;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_VY;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PRESENT;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;
import static dev.edgetwin.modelkit.scorer.ScorerContract.personFeature;

/**
 * What the scorer's network sees of one person slot, computed from the contract's input exactly as
 * the ONNX graph computes it (the graph is built from the same description in {@link
 * PersonRiskNetwork}): per step the distance to the person's constant-velocity position, its
 * component along the person's walking direction and the size of its component across it; then the
 * closest approach and the person's speed. Rotating or mirroring a scene leaves them unchanged.
 */
final class PersonFeatures {
    /** Feature count: distance, along and across per step, then closest approach and speed. */
    static final int COUNT = 3 * STEPS + 2;

    static final int CLOSEST_APPROACH = 3 * STEPS;
    static final int SPEED = 3 * STEPS + 1;

    /** Below this speed (m/s) the walking direction is taken as unknown (along = across = 0). */
    static final float MIN_SPEED = 1e-3f;

    private PersonFeatures() {}

    /**
     * Writes the features of person {@code slot} of the candidate starting at {@code offset} in
     * {@code trajectories} into {@code out}; returns the slot's {@link ScorerContract#PRESENT}
     * value.
     */
    static double compute(float[] trajectories, int offset, int slot, double[] out) {
        double present = trajectories[offset + personFeature(slot, PRESENT)];
        double vx = trajectories[offset + personFeature(slot, PERSON_VX)];
        double vy = trajectories[offset + personFeature(slot, PERSON_VY)];
        double speed = Math.sqrt(vx * vx + vy * vy);
        double ux = vx / Math.max(speed, MIN_SPEED);
        double uy = vy / Math.max(speed, MIN_SPEED);
        double closest = Double.POSITIVE_INFINITY;
        int dxColumn = personFeature(slot, PERSON_DX);
        int dyColumn = personFeature(slot, PERSON_DY);
        for (int t = 0; t < STEPS; t++) {
            int row = offset + t * FEATURES;
            double dx = trajectories[row + dxColumn];
            double dy = trajectories[row + dyColumn];
            double distance = Math.sqrt(dx * dx + dy * dy);
            out[t] = distance;
            out[STEPS + t] = dx * ux + dy * uy;
            out[2 * STEPS + t] = Math.abs(dx * uy - dy * ux);
            closest = Math.min(closest, distance);
        }
        out[CLOSEST_APPROACH] = closest;
        out[SPEED] = speed;
        return present;
    }
}
