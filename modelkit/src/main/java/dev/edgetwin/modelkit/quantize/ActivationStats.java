package dev.edgetwin.modelkit.quantize;

import java.nio.FloatBuffer;

/**
 * The values one activation tensor took over the calibration set: its extremes (first pass) and,
 * for the percentile and entropy methods, a histogram over those extremes (second pass), turned
 * into the range its int8 scale must cover.
 *
 * <p>Not thread-safe; one per tensor, fed by the calibration loop.
 */
final class ActivationStats {
    /**
     * Percentile histogram resolution: with outliers 50x the bulk of the values, the bulk still
     * spans about 160 bins, so the percentile lands within a bin width of under 1% of the range
     * that is kept.
     */
    static final int PERCENTILE_BINS = 8192;

    /** TensorRT's histogram size for the entropy search. */
    static final int ENTROPY_BINS = 2048;

    /** q values substituted where the quantized histogram is empty but the reference is not. */
    private static final double KL_EPSILON = 1e-4;

    private final String tensor;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private long count;

    private long[] histogram;
    private double histogramLow;
    private double binWidth;

    ActivationStats(String tensor) {
        this.tensor = tensor;
    }

    String tensor() {
        return tensor;
    }

    /** First pass: widens the extremes. NaN is skipped; returns false if a value is infinite. */
    boolean observeExtremes(FloatBuffer values) {
        double lo = min;
        double hi = max;
        int n = values.limit();
        for (int i = 0; i < n; i++) {
            float v = values.get(i);
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        min = lo;
        max = hi;
        count += n;
        return !Double.isInfinite(lo) && !Double.isInfinite(hi);
    }

    boolean seenValues() {
        return min <= max;
    }

    /** Prepares the histogram the method needs; false when it needs none. */
    boolean startHistogram(CalibrationMethod method) {
        if (method == CalibrationMethod.MINMAX || !seenValues()) {
            return false;
        }
        if (method == CalibrationMethod.PERCENTILE) {
            histogram = new long[PERCENTILE_BINS];
            histogramLow = min;
            binWidth = (max - min) / PERCENTILE_BINS;
        } else {
            histogram = new long[ENTROPY_BINS];
            histogramLow = 0;
            binWidth = Math.max(Math.abs(min), Math.abs(max)) / ENTROPY_BINS;
        }
        return true;
    }

    boolean histogramStarted() {
        return histogram != null;
    }

    /** Second pass: counts values into the histogram (absolute values for entropy). */
    void observeHistogram(FloatBuffer values, CalibrationMethod method) {
        if (binWidth <= 0) {
            return; // a constant tensor: its range is already exact
        }
        boolean abs = method == CalibrationMethod.ENTROPY;
        long[] h = histogram;
        int last = h.length - 1;
        double inverse = 1 / binWidth;
        int n = values.limit();
        for (int i = 0; i < n; i++) {
            float v = values.get(i);
            // Exact zeros (a ReLU's dead half) are exact at any threshold; left in, their spike
            // dominates the divergence and drags the entropy threshold far below the live values.
            if (v != v || (abs && v == 0)) {
                continue;
            }
            double x = abs ? Math.abs(v) : v;
            int b = (int) ((x - histogramLow) * inverse);
            h[b < 0 ? 0 : Math.min(b, last)]++;
        }
    }

    /**
     * The range {@code [low, high]} the tensor's quantization covers before 0 is added to it.
     *
     * @param percentile for {@link CalibrationMethod#PERCENTILE}, in (50, 100]
     */
    double[] range(CalibrationMethod method, double percentile) {
        if (!seenValues()) {
            return new double[] {0, 0};
        }
        if (method == CalibrationMethod.MINMAX || binWidth <= 0) {
            return new double[] {min, max};
        }
        if (method == CalibrationMethod.PERCENTILE) {
            return percentileRange(percentile);
        }
        double threshold = entropyThreshold(min >= 0 ? 256 : 128);
        if (min >= 0) {
            return new double[] {0, Math.min(max, threshold)};
        }
        return new double[] {Math.max(min, -threshold), Math.min(max, threshold)};
    }

    private double[] percentileRange(double percentile) {
        if (percentile >= 100) {
            return new double[] {min, max};
        }
        long total = 0;
        for (long c : histogram) {
            total += c;
        }
        double tail = total * (100 - percentile) / 100;
        // The bins holding the tail quantiles are kept whole, so nothing inside them clips.
        long below = 0;
        int lowBin = 0;
        while (lowBin < histogram.length - 1 && below + histogram[lowBin] <= tail) {
            below += histogram[lowBin++];
        }
        long above = 0;
        int highBin = histogram.length - 1;
        while (highBin > lowBin && above + histogram[highBin] <= tail) {
            above += histogram[highBin--];
        }
        double low = lowBin == 0 ? min : histogramLow + lowBin * binWidth;
        double high =
                highBin == histogram.length - 1 ? max : histogramLow + (highBin + 1) * binWidth;
        return new double[] {low, high};
    }

    /**
     * The |x| threshold whose clipped histogram, merged into {@code levels} bins and expanded
     * again, is closest (Kullback-Leibler) to the clipped histogram itself.
     */
    private double entropyThreshold(int levels) {
        long[] h = histogram;
        int bins = h.length;
        long[] tailFrom = new long[bins + 1];
        for (int i = bins - 1; i >= 0; i--) {
            tailFrom[i] = tailFrom[i + 1] + h[i];
        }
        double best = Double.POSITIVE_INFINITY;
        int bestEnd = bins;
        double[] p = new double[bins];
        double[] q = new double[bins];
        for (int end = levels; end <= bins; end++) {
            double pSum = 0;
            for (int k = 0; k < end; k++) {
                p[k] = h[k];
            }
            p[end - 1] += tailFrom[end]; // everything beyond the threshold clips onto it
            for (int k = 0; k < end; k++) {
                pSum += p[k];
            }
            if (pSum == 0) {
                continue;
            }
            double qSum = 0;
            for (int j = 0; j < levels; j++) {
                int start = (int) ((long) j * end / levels);
                int stop = (int) ((long) (j + 1) * end / levels);
                long total = 0;
                int nonEmpty = 0;
                for (int k = start; k < stop; k++) {
                    total += h[k];
                    nonEmpty += h[k] != 0 ? 1 : 0;
                }
                double share = nonEmpty == 0 ? 0 : (double) total / nonEmpty;
                for (int k = start; k < stop; k++) {
                    q[k] = h[k] != 0 ? share : 0;
                    qSum += q[k];
                }
            }
            double kl = 0;
            for (int k = 0; k < end; k++) {
                if (p[k] == 0) {
                    continue;
                }
                double pk = p[k] / pSum;
                double qk = qSum == 0 ? 0 : q[k] / qSum;
                kl += pk * Math.log(pk / Math.max(qk, KL_EPSILON));
            }
            if (kl < best) {
                best = kl;
                bestEnd = end;
            }
        }
        return bestEnd * binWidth;
    }
}
