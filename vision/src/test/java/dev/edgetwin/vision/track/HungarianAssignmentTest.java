package dev.edgetwin.vision.track;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HungarianAssignmentTest {

    /** The best (most pairs, then least cost) over every partial assignment, by enumeration. */
    private static double[] bruteForce(double[][] cost) {
        int rows = cost.length;
        int cols = rows == 0 ? 0 : cost[0].length;
        double[] best = {-1, 0}; // {pairs, cost}
        search(cost, 0, new boolean[cols], 0, 0, best);
        return best;
    }

    private static void search(
            double[][] cost, int row, boolean[] used, int pairs, double sum, double[] best) {
        if (row == cost.length) {
            if (pairs > best[0] || (pairs == best[0] && sum < best[1])) {
                best[0] = pairs;
                best[1] = sum;
            }
            return;
        }
        search(cost, row + 1, used, pairs, sum, best); // row left unassigned
        for (int c = 0; c < used.length; c++) {
            if (!used[c] && cost[row][c] < Double.POSITIVE_INFINITY) {
                used[c] = true;
                search(cost, row + 1, used, pairs + 1, sum + cost[row][c], best);
                used[c] = false;
            }
        }
    }

    @Test
    void agreesWithBruteForceOnRandomSmallMatrices() {
        Random random = new Random(20240605L);
        for (int trial = 0; trial < 2000; trial++) {
            int rows = random.nextInt(7);
            int cols = random.nextInt(7);
            double forbiddenShare = random.nextInt(3) * 0.25; // 0, 25 or 50 % forbidden
            boolean integers = random.nextBoolean(); // integer costs make many ties
            double[][] cost = new double[rows][cols];
            for (double[] row : cost) {
                for (int c = 0; c < cols; c++) {
                    row[c] =
                            random.nextDouble() < forbiddenShare
                                    ? Double.POSITIVE_INFINITY
                                    : integers
                                            ? random.nextInt(5) - 1
                                            : random.nextDouble() * 20 - 5;
                }
            }
            int[] assignment = HungarianAssignment.solve(cost);
            assertEquals(rows, assignment.length);
            boolean[] usedCol = new boolean[cols];
            int pairs = 0;
            double sum = 0;
            for (int r = 0; r < rows; r++) {
                int c = assignment[r];
                if (c >= 0) {
                    assertTrue(!usedCol[c], "column " + c + " assigned twice");
                    usedCol[c] = true;
                    assertTrue(cost[r][c] < Double.POSITIVE_INFINITY, "forbidden pair used");
                    pairs++;
                    sum += cost[r][c];
                }
            }
            double[] best = bruteForce(cost);
            assertEquals((int) best[0], pairs, "pairs in trial " + trial);
            assertEquals(best[1], sum, 1e-9, "cost in trial " + trial);
        }
    }

    @Test
    void solvesAKnownSquareProblem() {
        // The optimum is 1 + 2 + 2 = 5 via (0,1), (1,0), (2,2); the diagonal costs 4 + 4 + 2.
        double[][] cost = {{4, 1, 3}, {2, 4, 6}, {3, 2, 2}};
        assertArrayEquals(new int[] {1, 0, 2}, HungarianAssignment.solve(cost));
    }

    @Test
    void handlesEmptyAndAllForbiddenMatrices() {
        assertArrayEquals(new int[0], HungarianAssignment.solve(new double[0][0]));
        assertArrayEquals(new int[] {-1, -1}, HungarianAssignment.solve(new double[2][0]));
        double inf = Double.POSITIVE_INFINITY;
        assertArrayEquals(
                new int[] {-1, -1}, HungarianAssignment.solve(new double[][] {{inf}, {inf}}));
    }
}
