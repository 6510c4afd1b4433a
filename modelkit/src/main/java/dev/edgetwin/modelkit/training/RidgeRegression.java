package dev.edgetwin.modelkit.training;

/**
 * Weighted ridge regression by its normal equations, (X'WX + lambda I) B = X'WY, solved by Cholesky
 * in double precision. Samples are added one at a time; partial sums from separate accumulators can
 * be merged, and merging in a fixed order gives the same result however the samples were spread
 * over threads.
 *
 * <p>The ridge {@code lambda} is relative: {@code lambda * trace(X'WX) / d}, so it does not depend
 * on the number of samples or on the scale of the features.
 */
final class RidgeRegression {
    private final int inputs;
    private final int outputs;

    /** Lower triangle of X'WX, row-major, full d x d storage. */
    private final double[] gram;

    private final double[] moments;
    private long samples;

    RidgeRegression(int inputs, int outputs) {
        if (inputs <= 0 || outputs <= 0) {
            throw new IllegalArgumentException(
                    "need positive sizes, got " + inputs + " inputs, " + outputs + " outputs");
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.gram = new double[inputs * inputs];
        this.moments = new double[inputs * outputs];
    }

    long samples() {
        return samples;
    }

    /** Adds one sample: features {@code x} (length inputs), targets {@code y}, weight. */
    void add(float[] x, float[] y, double weight) {
        for (int i = 0; i < inputs; i++) {
            double xi = x[i] * weight;
            if (xi == 0) {
                continue;
            }
            int row = i * inputs;
            for (int j = 0; j <= i; j++) {
                gram[row + j] += xi * x[j];
            }
            for (int t = 0; t < outputs; t++) {
                moments[i * outputs + t] += xi * y[t];
            }
        }
        samples++;
    }

    /** Adds another accumulator's sums to this one's. */
    void merge(RidgeRegression other) {
        if (other.inputs != inputs || other.outputs != outputs) {
            throw new IllegalArgumentException("cannot merge accumulators of different sizes");
        }
        for (int i = 0; i < gram.length; i++) {
            gram[i] += other.gram[i];
        }
        for (int i = 0; i < moments.length; i++) {
            moments[i] += other.moments[i];
        }
        samples += other.samples;
    }

    /** [outputs][inputs]: the coefficients, as floats. */
    float[][] solve(double lambda) {
        int d = inputs;
        double trace = 0;
        for (int i = 0; i < d; i++) {
            trace += gram[i * d + i];
        }
        double ridge = lambda * trace / d + 1e-12;
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = gram[i * d + j] + (i == j ? ridge : 0);
                for (int k = 0; k < j; k++) {
                    sum -= l[i * d + k] * l[j * d + k];
                }
                if (i == j) {
                    if (!(sum > 0)) {
                        throw new IllegalStateException(
                                "normal equations are not positive definite at row " + i);
                    }
                    l[i * d + i] = Math.sqrt(sum);
                } else {
                    l[i * d + j] = sum / l[j * d + j];
                }
            }
        }
        float[][] out = new float[outputs][d];
        double[] z = new double[d];
        double[] b = new double[d];
        for (int t = 0; t < outputs; t++) {
            for (int i = 0; i < d; i++) {
                double sum = moments[i * outputs + t];
                for (int k = 0; k < i; k++) {
                    sum -= l[i * d + k] * z[k];
                }
                z[i] = sum / l[i * d + i];
            }
            for (int i = d - 1; i >= 0; i--) {
                double sum = z[i];
                for (int k = i + 1; k < d; k++) {
                    sum -= l[k * d + i] * b[k];
                }
                b[i] = sum / l[i * d + i];
            }
            for (int i = 0; i < d; i++) {
                out[t][i] = (float) b[i];
            }
        }
        return out;
    }
}
