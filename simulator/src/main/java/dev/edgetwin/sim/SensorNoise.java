package dev.edgetwin.sim;

/**
 * Deterministic Gaussian pixel noise: a SplitMix64 stream seeded from (scene seed, frame time)
 * indexes a table of standard-normal quantiles, which is far cheaper per value than {@code
 * nextGaussian} and identical on every JVM.
 */
final class SensorNoise {
    private static final int TABLE_BITS = 16;
    private static final double[] ACKLAM_A = {
        -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    private static final double[] ACKLAM_B = {
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01
    };
    private static final double[] ACKLAM_C = {
        -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    private static final double[] ACKLAM_D = {
        7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };

    private static final float[] STANDARD_NORMAL = quantileTable(1 << TABLE_BITS);

    private long state;

    SensorNoise(long seed, double simTimeSeconds) {
        // + 0.0 folds -0.0 into 0.0 so that both give the same frame.
        state = mix(mix(seed) ^ Double.doubleToLongBits(simTimeSeconds + 0.0));
    }

    /** Four independent N(0, 1) samples, one per 16-bit lane; see {@link #gaussian}. */
    long nextBits() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** The N(0, 1) sample held in 16-bit lane {@code lane} (0..3) of {@link #nextBits()}. */
    static float gaussian(long bits, int lane) {
        return STANDARD_NORMAL[(int) (bits >>> (TABLE_BITS * lane)) & ((1 << TABLE_BITS) - 1)];
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static float[] quantileTable(int size) {
        float[] table = new float[size];
        for (int i = 0; i < size; i++) {
            table[i] = (float) inverseStandardNormal((i + 0.5) / size);
        }
        return table;
    }

    /**
     * Acklam's rational approximation of the standard normal quantile (relative error below
     * 1.2e-9), with StrictMath so the table is bit-identical everywhere.
     */
    static double inverseStandardNormal(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        final double low = 0.02425;
        if (p < low || p > 1 - low) {
            double q = StrictMath.sqrt(-2 * StrictMath.log(p < low ? p : 1 - p));
            double x =
                    (((((ACKLAM_C[0] * q + ACKLAM_C[1]) * q + ACKLAM_C[2]) * q + ACKLAM_C[3]) * q
                                                    + ACKLAM_C[4])
                                            * q
                                    + ACKLAM_C[5])
                            / ((((ACKLAM_D[0] * q + ACKLAM_D[1]) * q + ACKLAM_D[2]) * q
                                                    + ACKLAM_D[3])
                                            * q
                                    + 1);
            return p < low ? x : -x;
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((ACKLAM_A[0] * r + ACKLAM_A[1]) * r + ACKLAM_A[2]) * r + ACKLAM_A[3]) * r
                                        + ACKLAM_A[4])
                                * r
                        + ACKLAM_A[5])
                * q
                / (((((ACKLAM_B[0] * r + ACKLAM_B[1]) * r + ACKLAM_B[2]) * r + ACKLAM_B[3]) * r
                                        + ACKLAM_B[4])
                                * r
                        + 1);
    }
}
