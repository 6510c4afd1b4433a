package dev.edgetwin.modelkit.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The range each calibration method picks from known distributions. */
class ActivationStatsTest {

    @Test
    void minMaxIsTheExtremesAndSkipsNaN() {
        ActivationStats s = collect(CalibrationMethod.MINMAX, new float[] {-2, 0.5f, Float.NaN, 7});
        assertArrayEquals(new double[] {-2, 7}, s.range(CalibrationMethod.MINMAX, 99.99));
        assertFalse(
                new ActivationStats("t")
                        .observeExtremes(
                                FloatBuffer.wrap(new float[] {1, Float.NEGATIVE_INFINITY})));
    }

    @Test
    void percentileClipsRareOutliersAtBothEnds() {
        float[] v = uniform(200_000, -1, 1, 1);
        // 5 outliers a side: under the 0.01% (20 values) that percentile 99.99 clips.
        for (int i = 0; i < 5; i++) {
            v[i] = 100;
            v[100 + i] = -100;
        }
        double[] r =
                collect(CalibrationMethod.PERCENTILE, v).range(CalibrationMethod.PERCENTILE, 99.99);
        // Within one histogram bin (200 / 8192) of the bulk's edges.
        assertEquals(-1, r[0], 0.03);
        assertEquals(1, r[1], 0.03);
        double[] all =
                collect(CalibrationMethod.PERCENTILE, v).range(CalibrationMethod.PERCENTILE, 100);
        assertArrayEquals(new double[] {-100, 100}, all);
    }

    @Test
    void entropyKeepsAnOutlierFreeRangeAndCutsALongTail() {
        double[] plain =
                collect(CalibrationMethod.ENTROPY, uniform(100_000, 0, 1, 2))
                        .range(CalibrationMethod.ENTROPY, 0);
        assertEquals(0, plain[0]);
        assertTrue(plain[1] > 0.95, "uniform data keeps its range: " + plain[1]);

        // A ReLU output: half exact zeros, the rest a normal's positive half, and a few values
        // 30 sigma out.
        var random = new SplittableRandom(3);
        float[] relu = new float[200_000];
        for (int i = 0; i < relu.length; i += 2) {
            relu[i] = (float) Math.abs(random.nextGaussian());
        }
        relu[1] = 30;
        relu[3] = 25;
        double[] r = collect(CalibrationMethod.ENTROPY, relu).range(CalibrationMethod.ENTROPY, 0);
        assertEquals(0, r[0]);
        assertTrue(
                r[1] > 2.5 && r[1] < 8, "threshold past the bulk, short of the outliers: " + r[1]);
    }

    private static ActivationStats collect(CalibrationMethod method, float[] values) {
        ActivationStats s = new ActivationStats("t");
        assertTrue(s.observeExtremes(FloatBuffer.wrap(values)));
        if (s.startHistogram(method)) {
            s.observeHistogram(FloatBuffer.wrap(values), method);
        }
        return s;
    }

    private static float[] uniform(int n, double lo, double hi, long seed) {
        var random = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return v;
    }
}
