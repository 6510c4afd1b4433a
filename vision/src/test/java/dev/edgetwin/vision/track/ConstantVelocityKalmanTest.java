package dev.edgetwin.vision.track;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ConstantVelocityKalmanTest {
    private static final double EPS = 1e-12;

    private static double[] diag(double a, double b, double c, double d) {
        return new double[] {a, 0, 0, 0, 0, b, 0, 0, 0, 0, c, 0, 0, 0, 0, d};
    }

    @Test
    void predictThenUpdateMatchesTheHandComputedValues() {
        // x = [1, 2, 0.5, -1], P = diag(1, 1, 4, 4); predict dt = 2 s with q = 0.5 m^2/s^3.
        ConstantVelocityKalman kf =
                new ConstantVelocityKalman(new double[] {1, 2, 0.5, -1}, diag(1, 1, 4, 4));
        kf.predict(2, 0.5);
        // x' = [1 + 2 * 0.5, 2 + 2 * -1, 0.5, -1] = [2, 0, 0.5, -1]
        assertArrayEquals(new double[] {2, 0, 0.5, -1}, kf.stateCopy(), EPS);
        // F P F^T per axis: [[1 + dt^2 * 4, dt * 4], [dt * 4, 4]] = [[17, 8], [8, 4]]
        // Q per axis: q [[dt^3/3, dt^2/2], [dt^2/2, dt]] = [[4/3, 1], [1, 1]]
        // P' per axis: [[55/3, 9], [9, 5]]; the axes stay uncorrelated.
        double p = 55.0 / 3;
        double[] predicted = {p, 0, 9, 0, 0, p, 0, 9, 9, 0, 5, 0, 0, 9, 0, 5};
        assertArrayEquals(predicted, kf.covarianceCopy(), EPS);

        // Measure z = (3, 1) with R = (5/3) I: innovation y = (1, 1), S = 20 I.
        double r = 5.0 / 3;
        // d^2 = y^T S^-1 y = 1/20 + 1/20
        assertEquals(0.1, kf.mahalanobisSquared(3, 1, r, 0, r), EPS);
        assertEquals(Math.log(400), kf.logDetInnovation(r, 0, r), EPS);
        kf.update(3, 1, r, 0, r);
        // K per axis = [55/3, 9] / 20 = [11/12, 9/20]
        // x+ = [2 + 11/12, 0 + 11/12, 0.5 + 9/20, -1 + 9/20]
        assertArrayEquals(
                new double[] {2 + 11.0 / 12, 11.0 / 12, 0.95, -0.55}, kf.stateCopy(), EPS);
        // P+ per axis = (I - K H) P': [[(1/12) 55/3, (1/12) 9], [., 5 - (9/20) 9]]
        //             = [[55/36, 3/4], [3/4, 19/20]]
        double pp = 55.0 / 36;
        double[] updated = {pp, 0, 0.75, 0, 0, pp, 0, 0.75, 0.75, 0, 0.95, 0, 0, 0.75, 0, 0.95};
        assertArrayEquals(updated, kf.covarianceCopy(), 1e-12);
    }

    @Test
    void aCorrelatedMeasurementMatchesTheHandComputedValues() {
        // P = diag(2, 2, 1, 1), R = [[2, 1], [1, 2]] -> S = [[4, 1], [1, 4]], det S = 15,
        // S^-1 = [[4, -1], [-1, 4]] / 15.
        ConstantVelocityKalman kf =
                new ConstantVelocityKalman(new double[] {0, 0, 0, 0}, diag(2, 2, 1, 1));
        // y = (3, 0): d^2 = 9 * 4 / 15 = 2.4
        assertEquals(2.4, kf.mahalanobisSquared(3, 0, 2, 1, 2), EPS);
        assertEquals(Math.log(15), kf.logDetInnovation(2, 1, 2), EPS);
        kf.update(3, 0, 2, 1, 2);
        // K_pos = 2 S^-1 = [[8, -2], [-2, 8]] / 15, K_vel = 0 (no position-velocity terms)
        // x+ = K y = (24/15, -6/15)
        assertArrayEquals(new double[] {1.6, -0.4, 0, 0}, kf.stateCopy(), EPS);
        // P+_pos = 2 I - K 2 I = [[14, 4], [4, 14]] / 15; velocities untouched
        double[] expected = {
            14.0 / 15, 4.0 / 15, 0, 0, 4.0 / 15, 14.0 / 15, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1
        };
        assertArrayEquals(expected, kf.covarianceCopy(), EPS);
    }

    @Test
    void aZeroTimeStepChangesNothingAndANegativeOneIsRefused() {
        ConstantVelocityKalman kf = new ConstantVelocityKalman(1, 2, 0.1, 0.02, 0.3, 4);
        double[] before = kf.covarianceCopy();
        kf.predict(0, 5);
        assertArrayEquals(before, kf.covarianceCopy(), 0);
        assertArrayEquals(new double[] {1, 2, 0, 0}, kf.stateCopy(), 0);
        assertThrows(IllegalArgumentException.class, () -> kf.predict(-0.1, 5));
    }
}
