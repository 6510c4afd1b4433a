package dev.edgetwin.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Percentiles against a sorted-array reference; the bucket layout; no allocation on record. */
class LatencyHistogramTest {
    private static final double[] QUANTILES = {0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0};

    /** Nearest rank: the smallest value with at least q of the values at or below it. */
    private static long reference(long[] sorted, double q) {
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }

    private static void assertQuantilesMatch(long[] values) {
        LatencyHistogram h = new LatencyHistogram();
        for (long v : values) {
            h.record(v);
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        assertEquals(values.length, h.count());
        assertEquals(sorted[sorted.length - 1], h.max());
        for (double q : QUANTILES) {
            long expected = reference(sorted, q);
            double actual = h.quantileNanos(q);
            // Half a bucket: a bucket is at most 1/8 of its lower bound wide.
            double tolerance = expected / 16.0 + 0.5;
            assertEquals(expected, actual, tolerance, "q=" + q + " of " + values.length);
        }
    }

    @Test
    void percentilesOfLogUniformLatenciesAreWithinHalfABucketOfTheSortedArray() {
        SplittableRandom random = new SplittableRandom(42);
        for (int n : new int[] {1, 2, 7, 100, 10_000}) {
            long[] values = new long[n];
            for (int i = 0; i < n; i++) {
                // 1 us .. 1 s
                values[i] = (long) Math.pow(10, 3 + 6 * random.nextDouble());
            }
            assertQuantilesMatch(values);
        }
    }

    @Test
    void smallAndRepeatedValuesAreExactAndAHeavyTailShowsInP99() {
        assertQuantilesMatch(new long[] {0, 1, 2, 3, 15, 15, 15, 9});
        long[] tail = new long[1000];
        Arrays.fill(tail, 2_000_000L); // 2 ms
        for (int i = 0; i < 20; i++) {
            tail[i * 50] = 80_000_000L; // 2 % at 80 ms
        }
        assertQuantilesMatch(tail);
        LatencyHistogram h = new LatencyHistogram();
        for (long v : tail) {
            h.record(v);
        }
        assertTrue(h.quantileMillis(0.5) < 2.2, h.toString());
        assertTrue(h.quantileMillis(0.99) > 75, h.toString());
    }

    @Test
    void bucketsTileEveryNonNegativeLongWithoutGaps() {
        long expectedLower = 0;
        for (int i = 0; i < LatencyHistogram.BUCKETS; i++) {
            long lower = LatencyHistogram.lowerBound(i);
            long width = LatencyHistogram.width(i);
            assertEquals(expectedLower, lower, "bucket " + i);
            assertEquals(i, LatencyHistogram.bucket(lower));
            assertEquals(i, LatencyHistogram.bucket(lower + width - 1));
            assertTrue(i < 16 || width * 8 <= lower, "bucket " + i + " is too wide");
            expectedLower = lower + width;
        }
        assertEquals(Long.MIN_VALUE, expectedLower, "the last bucket ends at Long.MAX_VALUE");
        assertEquals(LatencyHistogram.BUCKETS - 1, LatencyHistogram.bucket(Long.MAX_VALUE));
    }

    @Test
    void emptyIsNaNNegativeCountsAsZeroAndResetForgets() {
        LatencyHistogram h = new LatencyHistogram();
        assertTrue(Double.isNaN(h.quantileNanos(0.5)));
        h.record(-5);
        assertEquals(0, h.quantileNanos(1.0));
        h.record(1_000_000);
        h.reset();
        assertEquals(0, h.count());
        assertTrue(Double.isNaN(h.quantileNanos(0.99)));
    }

    @Test
    void recordAllocatesNothing() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        LatencyHistogram h = new LatencyHistogram();
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 20_000; i++) {
            h.record(i * 997L); // warm up: the JIT compiles record
        }
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            h.record(i * 7919L);
        }
        long allocated = threads.getThreadAllocatedBytes(id) - before;
        // The measuring call itself may allocate a few bytes; 100k records at even 16 B would be
        // 1.6 MB.
        assertTrue(allocated < 4096, "record allocated " + allocated + " bytes in 100k calls");
    }

    @Test
    void quantilesOverSeveralHistogramsAreThoseOfTheirValuesTogether() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram together = new LatencyHistogram();
        for (long v = 1; v <= 90; v++) {
            a.record(v * 1_000_000L);
            together.record(v * 1_000_000L);
        }
        for (long v = 1; v <= 10; v++) {
            b.record(v * 100_000_000L);
            together.record(v * 100_000_000L);
        }
        for (double q : new double[] {0.5, 0.9, 0.95, 0.99, 1}) {
            assertEquals(
                    together.quantileNanos(q),
                    LatencyHistogram.quantileNanos(java.util.List.of(a, b), q),
                    "q=" + q);
        }
        assertTrue(LatencyHistogram.quantileNanos(java.util.List.of(a, b), 0.99) > 500e6);
        assertTrue(Double.isNaN(LatencyHistogram.quantileNanos(java.util.List.of(), 0.5)));
        double[] both = LatencyHistogram.quantilesNanos(java.util.List.of(a, b), 0.5, 0.99);
        assertEquals(together.quantileNanos(0.5), both[0]);
        assertEquals(together.quantileNanos(0.99), both[1]);
        assertThrows(
                IllegalArgumentException.class,
                () -> LatencyHistogram.quantilesNanos(java.util.List.of(a), 0.5, 1.5));
    }
}
