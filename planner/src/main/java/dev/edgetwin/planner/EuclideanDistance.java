package dev.edgetwin.planner;

/**
 * Exact squared Euclidean distance transform on a grid (Felzenszwalb and Huttenlocher, "Distance
 * Transforms of Sampled Functions", 2012): one 1D lower-envelope pass down the columns, then one
 * along the rows. Each cell also gets the index of its nearest site, so the same pass gives a
 * Voronoi labelling (used for the route field).
 */
final class EuclideanDistance {
    static final float INF = 1e20f;

    private EuclideanDistance() {}

    /**
     * @param sites true where a cell is a site (distance 0)
     * @param d2 out: squared distance in cells to the nearest site ({@link #INF}-ish if none)
     * @param nearest out (may be null): index of the nearest site, -1 if none
     */
    static void transform(boolean[] sites, int width, int height, float[] d2, int[] nearest) {
        int n = Math.max(width, height);
        float[] f = new float[n];
        int[] fl = new int[n];
        float[] out = new float[n];
        int[] outLabel = new int[n];
        int[] v = new int[n];
        float[] z = new float[n + 1];
        int[] label = nearest != null ? nearest : new int[width * height];
        for (int i = 0; i < width * height; i++) {
            d2[i] = sites[i] ? 0f : INF;
            label[i] = sites[i] ? i : -1;
        }
        // Columns.
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                f[y] = d2[y * width + x];
                fl[y] = label[y * width + x];
            }
            pass(f, fl, height, out, outLabel, v, z);
            for (int y = 0; y < height; y++) {
                d2[y * width + x] = out[y];
                label[y * width + x] = outLabel[y];
            }
        }
        // Rows.
        for (int y = 0; y < height; y++) {
            int row = y * width;
            System.arraycopy(d2, row, f, 0, width);
            System.arraycopy(label, row, fl, 0, width);
            pass(f, fl, width, out, outLabel, v, z);
            System.arraycopy(out, 0, d2, row, width);
            System.arraycopy(outLabel, 0, label, row, width);
        }
    }

    /** The 1D transform of f (length n): d[q] = min_p (q - p)^2 + f[p]. */
    private static void pass(float[] f, int[] fl, int n, float[] d, int[] dl, int[] v, float[] z) {
        int k = -1;
        for (int q = 0; q < n; q++) {
            if (f[q] >= INF) {
                continue;
            }
            if (k < 0) {
                k = 0;
                v[0] = q;
                z[0] = Float.NEGATIVE_INFINITY;
                z[1] = Float.POSITIVE_INFINITY;
                continue;
            }
            float s;
            while (true) {
                int p = v[k];
                s =
                        (float)
                                (((double) f[q] + (double) q * q - f[p] - (double) p * p)
                                        / (2.0 * (q - p)));
                if (k > 0 && s <= z[k]) {
                    k--;
                } else {
                    break;
                }
            }
            k++;
            v[k] = q;
            z[k] = k == 0 ? Float.NEGATIVE_INFINITY : s;
            z[k + 1] = Float.POSITIVE_INFINITY;
        }
        if (k < 0) {
            for (int q = 0; q < n; q++) {
                d[q] = INF;
                dl[q] = -1;
            }
            return;
        }
        int j = 0;
        for (int q = 0; q < n; q++) {
            while (z[j + 1] < q) {
                j++;
            }
            int p = v[j];
            d[q] = (float) ((double) (q - p) * (q - p) + f[p]);
            dl[q] = fl[p];
        }
    }
}
