package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.COLLISION_DISTANCE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PEOPLE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;

import java.util.Locale;

/**
 * The cheap analytic critic the learned scorer has to beat: each person's risk is a logistic
 * function of how close the candidate comes to them if they keep their velocity, p = sigmoid(slope
 * x (0.8 m - closest approach) + offset), combined over people as 1 - prod(1 - p). The two
 * parameters are fitted to the training labels, so the comparison is with a calibrated baseline.
 */
final class ClosestApproachBaseline implements ScorerEvaluation.Scorer {
    private final double slope;
    private final double offset;

    ClosestApproachBaseline(double slope, double offset) {
        this.slope = slope;
        this.offset = offset;
    }

    /**
     * Fits slope and offset by Newton's method on the cross-entropy against soft labels: {@code
     * closest[i]} is a person's closest approach, {@code risk[i]} their simulated risk.
     */
    static ClosestApproachBaseline fit(double[] closest, double[] risk) {
        double a = 4;
        double b = 0;
        for (int iteration = 0; iteration < 50; iteration++) {
            // Gradient and Hessian of the mean cross-entropy in (a, b).
            double ga = 0;
            double gb = 0;
            double haa = 0;
            double hab = 0;
            double hbb = 0;
            for (int i = 0; i < closest.length; i++) {
                double u = COLLISION_DISTANCE - closest[i];
                double p = PersonRiskNetwork.sigmoid(a * u + b);
                double r = p - risk[i];
                double w = p * (1 - p);
                ga += r * u;
                gb += r;
                haa += w * u * u;
                hab += w * u;
                hbb += w;
            }
            double ridge = 1e-9 * closest.length;
            haa += ridge;
            hbb += ridge;
            double det = haa * hbb - hab * hab;
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            a -= da;
            b -= db;
            if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) {
                break;
            }
        }
        return new ClosestApproachBaseline(a, b);
    }

    double personRisk(double closestApproach) {
        return PersonRiskNetwork.sigmoid(slope * (COLLISION_DISTANCE - closestApproach) + offset);
    }

    @Override
    public float[] score(float[] trajectories, int candidates) {
        float[] risk = new float[candidates];
        double[] features = new double[PersonFeatures.COUNT];
        for (int k = 0; k < candidates; k++) {
            double free = 1;
            for (int slot = 0; slot < PEOPLE; slot++) {
                double present =
                        PersonFeatures.compute(trajectories, k * STEPS * FEATURES, slot, features);
                if (present != 0) {
                    free *= 1 - present * personRisk(features[PersonFeatures.CLOSEST_APPROACH]);
                }
            }
            risk[k] = (float) (1 - free);
        }
        return risk;
    }

    /** One line for provenance, e.g. {@code sigmoid(9.12 * (0.8 m - closest) - 0.31)}. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "per person sigmoid(%.3f * (0.8 m - closest approach at constant velocity) %s %.3f),"
                        + " combined 1 - prod(1 - p)",
                slope,
                offset < 0 ? "-" : "+",
                Math.abs(offset));
    }

    @Override
    public String toString() {
        return "ClosestApproachBaseline[" + describe() + "]";
    }
}
