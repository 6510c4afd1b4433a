package dev.edgetwin.modelkit.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RidgeRegressionTest {
    @Test
    void recoversALinearFunctionAndWeightsCountAsRepeatedSamples() {
        var random = new SplittableRandom(5);
        RidgeRegression once = new RidgeRegression(3, 2);
        RidgeRegression twice = new RidgeRegression(3, 2);
        for (int i = 0; i < 500; i++) {
            float[] x = {(float) random.nextDouble(-1, 1), (float) random.nextDouble(-1, 1), 1};
            float[] y = {2 * x[0] - 3 * x[1] + 0.5f, -x[0]};
            once.add(x, y, 2);
            twice.add(x, y, 1);
            twice.add(x, y, 1);
        }
        float[][] b = once.solve(1e-9);
        assertArrayEquals(new float[] {2, -3, 0.5f}, b[0], 1e-4f);
        assertArrayEquals(new float[] {-1, 0, 0}, b[1], 1e-4f);
        assertArrayEquals(b[0], twice.solve(1e-9)[0], 1e-6f);
        assertEquals(1000, twice.samples());
    }

    @Test
    void mergingPartsInOrderEqualsOneAccumulator() {
        var random = new SplittableRandom(9);
        RidgeRegression all = new RidgeRegression(4, 1);
        RidgeRegression merged = new RidgeRegression(4, 1);
        for (int part = 0; part < 5; part++) {
            RidgeRegression piece = new RidgeRegression(4, 1);
            for (int i = 0; i < 50; i++) {
                float[] x = new float[4];
                for (int k = 0; k < 4; k++) {
                    x[k] = (float) random.nextGaussian();
                }
                float[] y = {(float) random.nextGaussian()};
                all.add(x, y, 1);
                piece.add(x, y, 1);
            }
            merged.merge(piece);
        }
        // Not bit-identical in general (sums in another order), but equal to rounding.
        assertArrayEquals(all.solve(1e-3)[0], merged.solve(1e-3)[0], 1e-5f);
    }

    @Test
    void ridgeKeepsCollinearFeaturesSolvable() {
        RidgeRegression r = new RidgeRegression(2, 1);
        for (int i = 0; i < 10; i++) {
            r.add(new float[] {i, i}, new float[] {2 * i}, 1);
        }
        float[] b = r.solve(1e-3)[0];
        assertEquals(2, b[0] + b[1], 1e-2);
        assertEquals(b[0], b[1], 1e-4);
        assertThrows(IllegalArgumentException.class, () -> r.merge(new RidgeRegression(3, 1)));
    }
}
