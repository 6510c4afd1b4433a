package dev.edgetwin.vision.track;

/**
 * Minimum-cost assignment (the Hungarian algorithm with potentials, Kuhn-Munkres in the
 * shortest-augmenting-path form): O(n^2 m) for an n x m matrix with n <= m, so O(n^3) for square
 * ones.
 *
 * <p>Entries that are {@link Double#POSITIVE_INFINITY} (or NaN) are forbidden pairs. The answer
 * first makes as many allowed pairs as possible, then, among those, has the least total cost.
 */
final class HungarianAssignment {
    private HungarianAssignment() {}

    /**
     * @param cost rows x columns; rows may have any length as long as all are equal
     * @return for each row, its column, or -1 when the row is left unassigned
     */
    static int[] solve(double[][] cost) {
        int rows = cost.length;
        if (rows == 0) {
            return new int[0];
        }
        int cols = cost[0].length;
        for (double[] row : cost) {
            if (row.length != cols) {
                throw new IllegalArgumentException(
                        "cost matrix must be rectangular, got rows of "
                                + cols
                                + " and "
                                + row.length);
            }
        }
        int[] result = new int[rows];
        java.util.Arrays.fill(result, -1);
        if (cols == 0) {
            return result;
        }
        // Forbidden pairs get a cost so large that one more allowed pair always beats any
        // difference in the allowed costs; assignments that land on one are dropped at the end.
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] row : cost) {
            for (double v : row) {
                if (isAllowed(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (min == Double.POSITIVE_INFINITY) {
            return result;
        }
        double forbidden = max + (max - min + 1) * (Math.min(rows, cols) + 1);
        boolean transpose = rows > cols;
        int n = transpose ? cols : rows;
        int m = transpose ? rows : cols;
        double[][] a = new double[n][m];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = isAllowed(cost[r][c]) ? cost[r][c] : forbidden;
                if (transpose) {
                    a[c][r] = v;
                } else {
                    a[r][c] = v;
                }
            }
        }
        int[] rowOfCol = solveRowsAtMostCols(a, n, m);
        for (int c = 0; c < m; c++) {
            int r = rowOfCol[c];
            if (r < 0) {
                continue;
            }
            int origRow = transpose ? c : r;
            int origCol = transpose ? r : c;
            if (isAllowed(cost[origRow][origCol])) {
                result[origRow] = origCol;
            }
        }
        return result;
    }

    private static boolean isAllowed(double v) {
        return v < Double.POSITIVE_INFINITY && !Double.isNaN(v) && v > Double.NEGATIVE_INFINITY;
    }

    /**
     * The classic formulation with row and column potentials u, v; every row gets a column. Arrays
     * are 1-based internally, index 0 being the virtual start column.
     *
     * @return for each column, its row or -1
     */
    private static int[] solveRowsAtMostCols(double[][] a, int n, int m) {
        double[] u = new double[n + 1];
        double[] v = new double[m + 1];
        int[] p = new int[m + 1]; // p[j]: row (1-based) assigned to column j; 0 = none
        int[] way = new int[m + 1];
        double[] minv = new double[m + 1];
        boolean[] used = new boolean[m + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            java.util.Arrays.fill(minv, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = -1;
                for (int j = 1; j <= m; j++) {
                    if (!used[j]) {
                        double cur = a[i0 - 1][j - 1] - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= m; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        int[] rowOfCol = new int[m];
        for (int j = 1; j <= m; j++) {
            rowOfCol[j - 1] = p[j] - 1;
        }
        return rowOfCol;
    }
}
