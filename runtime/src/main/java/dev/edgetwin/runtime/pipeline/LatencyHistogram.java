package dev.edgetwin.runtime.pipeline;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in nanoseconds, counted in fixed log-scale buckets: exact below 16 ns, then 8 buckets
 * per power of two, so a bucket is at most 1/8 of its lower bound wide and a percentile, reported
 * as its bucket's midpoint (clamped to the largest value recorded), is within 1/16 of the true
 * nearest-rank value. 488 buckets cover every non-negative {@code long}.
 *
 * <p>{@link #record} allocates nothing and is meant for one writer thread; readers on other threads
 * see each bucket's latest count. {@link #reset()} is exact only while nobody records.
 */
public final class LatencyHistogram {
    private static final int SUB_BITS = 3;
    private static final int SUB_BUCKETS = 1 << SUB_BITS;
    private static final int LINEAR = 2 * SUB_BUCKETS;
    static final int BUCKETS = LINEAR + (63 - SUB_BITS - 1) * SUB_BUCKETS;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    /** Counts one latency; negative values count as 0. */
    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts.incrementAndGet(bucket(v));
        total.incrementAndGet();
        if (v > max.get()) {
            max.set(v); // one writer: no lost update
        }
    }

    static int bucket(long v) {
        if (v < LINEAR) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v); // >= 4
        int sub = (int) (v >>> (exponent - SUB_BITS)) - SUB_BUCKETS;
        return LINEAR + (exponent - SUB_BITS - 1) * SUB_BUCKETS + sub;
    }

    static long lowerBound(int bucket) {
        if (bucket < LINEAR) {
            return bucket;
        }
        int exponent = (bucket - LINEAR) / SUB_BUCKETS + SUB_BITS + 1;
        int sub = (bucket - LINEAR) % SUB_BUCKETS;
        return (long) (SUB_BUCKETS + sub) << (exponent - SUB_BITS);
    }

    static long width(int bucket) {
        if (bucket < LINEAR) {
            return 1;
        }
        int exponent = (bucket - LINEAR) / SUB_BUCKETS + SUB_BITS + 1;
        return 1L << (exponent - SUB_BITS);
    }

    /** Latencies recorded. */
    public long count() {
        return total.get();
    }

    /** The largest latency recorded, ns; 0 when none. */
    public long max() {
        return max.get();
    }

    /**
     * The nearest-rank {@code q} quantile (the smallest value with at least {@code q} of the
     * recorded values at or below it), to within 1/16; NaN when nothing was recorded.
     *
     * @param q in (0, 1], e.g. 0.5 or 0.99
     */
    public double quantileNanos(double q) {
        return quantileNanos(List.of(this), q);
    }

    /**
     * The nearest-rank {@code q} quantile over several histograms' values together (e.g. every
     * camera's pipeline), to within 1/16; NaN when none recorded anything.
     */
    public static double quantileNanos(Iterable<LatencyHistogram> histograms, double q) {
        return quantilesNanos(histograms, q)[0];
    }

    /**
     * Several quantiles of the histograms' values together, from one snapshot of their buckets
     * (what a per-frame health report wants: p50 and p99 without merging twice).
     */
    public static double[] quantilesNanos(Iterable<LatencyHistogram> histograms, double... qs) {
        for (double q : qs) {
            if (!(q > 0 && q <= 1)) {
                throw new IllegalArgumentException("quantile must be in (0, 1], got " + q);
            }
        }
        long[] snapshot = new long[BUCKETS];
        long n = 0;
        long max = 0;
        for (LatencyHistogram h : histograms) {
            for (int i = 0; i < BUCKETS; i++) {
                long c = h.counts.get(i);
                snapshot[i] += c;
                n += c;
            }
            max = Math.max(max, h.max.get());
        }
        double[] out = new double[qs.length];
        for (int k = 0; k < qs.length; k++) {
            out[k] = n == 0 ? Double.NaN : quantile(snapshot, n, max, qs[k]);
        }
        return out;
    }

    private static double quantile(long[] snapshot, long n, long max, double q) {
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += snapshot[i];
            if (seen >= rank) {
                return Math.min(lowerBound(i) + (width(i) - 1) / 2.0, max);
            }
        }
        return max;
    }

    /** {@link #quantileNanos} in milliseconds. */
    public double quantileMillis(double q) {
        return quantileNanos(q) / 1e6;
    }

    /** Forgets everything recorded (exact only while nobody records). */
    public void reset() {
        for (int i = 0; i < BUCKETS; i++) {
            counts.set(i, 0);
        }
        total.set(0);
        max.set(0);
    }

    @Override
    public String toString() {
        return String.format(
                "LatencyHistogram[n=%d, p50=%.3f ms, p99=%.3f ms]",
                count(), quantileMillis(0.5), quantileMillis(0.99));
    }
}
