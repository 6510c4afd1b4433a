package dev.edgetwin.modelkit.training;

import static dev.edgetwin.modelkit.training.DetectorLayout.BRIGHTNESS_EPSILON;
import static dev.edgetwin.modelkit.training.DetectorLayout.CELL;
import static dev.edgetwin.modelkit.training.DetectorLayout.CLASSES;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR_FILL;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR_RATIOS;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR_ROW;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR_SHAPE;
import static dev.edgetwin.modelkit.training.DetectorLayout.EDGE_RATIO;
import static dev.edgetwin.modelkit.training.DetectorLayout.HYPOTHESES;
import static dev.edgetwin.modelkit.training.DetectorLayout.MASK_THRESHOLD;
import static dev.edgetwin.modelkit.training.DetectorLayout.MIN_BELOW_HORIZON;
import static dev.edgetwin.modelkit.training.DetectorLayout.RANDOM_FEATURES;
import static dev.edgetwin.modelkit.training.DetectorLayout.RATIO_CAP;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM1;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM2;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM_IN;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEP_CELLS;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEP_RATIO;

import java.nio.FloatBuffer;

/**
 * The trained detector's forward pass in plain Java: what {@link DetectorGraph} writes as ONNX
 * operators, computed the same way, so the trainer can fit the heads on exactly the features the
 * model will see. Pure functions of their arguments (float arithmetic in a fixed order, {@code
 * StrictMath}), so training gives the same numbers on every JVM and with any number of threads.
 *
 * <p>Stages (C cells per side, G anchors per side; see {@link DetectorLayout}):
 *
 * <ol>
 *   <li>{@link #cells}: 2x2 average pool of the letterboxed input.
 *   <li>{@link #stemInput}: grey-world white balance (each channel divided by its mean over the
 *       image), then chromaticity (channels over their sum) and the sum: independent of exposure
 *       and of a colour cast, to first order.
 *   <li>{@link #stemFeatures}: two fixed 1x1 conv + ReLU layers (32 and 32 channels).
 *   <li>{@link #masks}: the fitted 1x1 pixel head gives a score per class; a cell belongs to the
 *       class with the highest score when it is above 0.5.
 *   <li>{@link #slots}: per class, runs of mask cells along rows and columns, ended where the mask
 *       changes (hypothesis 0), also where the brightness jumps between neighbouring cells, an edge
 *       between two surfaces (hypothesis 1), and also where the blob's outline steps, two objects
 *       at different depths (hypothesis 2); each row run's extent is spread over the column run
 *       through it and vice versa, so every cell of a convex blob knows the blob's bounding box.
 *       Each anchor takes the union of the boxes of the mask cells among the four around it.
 *   <li>{@link #descriptor} and {@link #scoreInputs}: 44 numbers per anchor and class (every
 *       hypothesis's box, size, bottom row, aspect, size against the horizon, and the share of the
 *       box its class and any class fill), and 128 fixed random ReLU features of them, which the
 *       fitted score heads read.
 * </ol>
 */
final class FeatureStack {
    private final DetectorLayout layout;
    private final int c;
    private final int n;

    FeatureStack(DetectorLayout layout) {
        this.layout = layout;
        this.c = layout.cells;
        this.n = c * c;
    }

    DetectorLayout layout() {
        return layout;
    }

    /** [3][C*C]: 2x2 means of the letterboxed input ([1, 3, S, S], CHW). */
    float[] cells(FloatBuffer input) {
        int s = layout.inputSize;
        if (input.limit() != 3 * s * s) {
            throw new IllegalArgumentException(
                    "expected " + 3 * s * s + " input floats, got " + input.limit());
        }
        float[] out = new float[3 * n];
        for (int ch = 0; ch < 3; ch++) {
            int plane = ch * s * s;
            for (int y = 0; y < c; y++) {
                int top = plane + CELL * y * s;
                int bottom = top + s;
                for (int x = 0; x < c; x++) {
                    int left = CELL * x;
                    float sum = input.get(top + left);
                    sum += input.get(top + left + 1);
                    sum += input.get(bottom + left);
                    sum += input.get(bottom + left + 1);
                    out[ch * n + y * c + x] = sum / 4f;
                }
            }
        }
        return out;
    }

    /** [4][C*C]: grey-world chromaticity r, g, b and the grey-world channel sum. */
    float[] stemInput(float[] cells) {
        float[] mean = new float[3];
        for (int ch = 0; ch < 3; ch++) {
            double sum = 0;
            for (int p = 0; p < n; p++) {
                sum += cells[ch * n + p];
            }
            mean[ch] = (float) (sum / n);
        }
        float[] out = new float[STEM_IN * n];
        for (int p = 0; p < n; p++) {
            float r = cells[p] / mean[0];
            float g = cells[n + p] / mean[1];
            float b = cells[2 * n + p] / mean[2];
            float sum = r + g + b + BRIGHTNESS_EPSILON;
            out[p] = r / sum;
            out[n + p] = g / sum;
            out[2 * n + p] = b / sum;
            out[3 * n + p] = sum;
        }
        return out;
    }

    /** [STEM1 + STEM2][C*C]: both fixed layers' ReLU outputs, as the pixel head reads them. */
    float[] stemFeatures(DetectorWeights w, float[] stemIn) {
        return stemFeatures(w.stem1(), w.stem1Bias(), w.stem2(), w.stem2Bias(), stemIn);
    }

    float[] stemFeatures(float[] w1, float[] b1, float[] w2, float[] b2, float[] stemIn) {
        float[] out = new float[(STEM1 + STEM2) * n];
        float[] first = new float[STEM1];
        float[] in = new float[STEM_IN];
        for (int p = 0; p < n; p++) {
            for (int i = 0; i < STEM_IN; i++) {
                in[i] = stemIn[i * n + p];
            }
            for (int o = 0; o < STEM1; o++) {
                float v = b1[o];
                for (int i = 0; i < STEM_IN; i++) {
                    v += w1[o * STEM_IN + i] * in[i];
                }
                first[o] = v > 0 ? v : 0;
                out[o * n + p] = first[o];
            }
            for (int o = 0; o < STEM2; o++) {
                float v = b2[o];
                for (int i = 0; i < STEM1; i++) {
                    v += w2[o * STEM1 + i] * first[i];
                }
                out[(STEM1 + o) * n + p] = v > 0 ? v : 0;
            }
        }
        return out;
    }

    /** [CLASSES][C*C] of 0/1: the cell's best class, where its score is above the threshold. */
    byte[] masks(DetectorWeights w, float[] hidden) {
        int inputs = STEM1 + STEM2;
        float[] head = w.pixelHead();
        float[] bias = w.pixelBias();
        byte[] out = new byte[CLASSES * n];
        float[] score = new float[CLASSES];
        for (int p = 0; p < n; p++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < CLASSES; k++) {
                float v = bias[k];
                for (int i = 0; i < inputs; i++) {
                    v += head[k * inputs + i] * hidden[i * n + p];
                }
                score[k] = v;
                best = Math.max(best, v);
            }
            for (int k = 0; k < CLASSES; k++) {
                if (score[k] > MASK_THRESHOLD && score[k] == best) {
                    out[k * n + p] = 1;
                }
            }
        }
        return out;
    }

    /** Per-slot boxes of one frame: see {@link #slots}. */
    record Slots(
            float[] present,
            float[] left,
            float[] top,
            float[] right,
            float[] bottom,
            float[] ownFill,
            float[] anyFill) {}

    /**
     * For every (hypothesis, class, anchor) slot: the share of the four cells around the anchor
     * that are in the class mask, and the distances in input pixels from the anchor to the edges of
     * the union of their blob boxes (all 0 where no cell is in the mask).
     */
    Slots slots(byte[] masks, float[] cells) {
        boolean[] edgeRight = new boolean[n];
        boolean[] edgeBelow = new boolean[n];
        edges(cells, edgeRight, edgeBelow);
        int slots = layout.slots;
        float[] present = new float[slots];
        float[] left = new float[slots];
        float[] top = new float[slots];
        float[] right = new float[slots];
        float[] bottom = new float[slots];
        float[] ownFill = new float[slots];
        float[] anyFill = new float[slots];
        int[] anyIntegral = integral(masks, -1);
        int g = layout.grid;
        int[][] box = new int[4][];
        boolean[] cutRight = new boolean[n];
        boolean[] cutBelow = new boolean[n];
        for (int k = 0; k < CLASSES; k++) {
            int[] ownIntegral = integral(masks, k);
            if (HYPOTHESES > 2) {
                outlineSteps(masks, k * n, cutRight, cutBelow);
                for (int p = 0; p < n; p++) {
                    cutRight[p] |= edgeRight[p];
                    cutBelow[p] |= edgeBelow[p];
                }
            }
            for (int h = 0; h < HYPOTHESES; h++) {
                boolean[] byRight = h == 0 ? null : h == 1 ? edgeRight : cutRight;
                boolean[] byBelow = h == 0 ? null : h == 1 ? edgeBelow : cutBelow;
                blobBoxes(masks, k * n, byRight, byBelow, box);
                int base = (h * CLASSES + k) * layout.anchors;
                for (int i = 0; i < g; i++) {
                    int cy = layout.anchorCell(i);
                    float ay = layout.anchorCentre(i);
                    for (int j = 0; j < g; j++) {
                        int cx = layout.anchorCell(j);
                        float ax = layout.anchorCentre(j);
                        int count = 0;
                        int x1 = c;
                        int x2 = 0;
                        int y1 = c;
                        int y2 = 0;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                int p = (cy + dy) * c + cx + dx;
                                if (masks[k * n + p] == 0) {
                                    continue;
                                }
                                count++;
                                x1 = Math.min(x1, box[0][p]);
                                x2 = Math.max(x2, box[1][p]);
                                y1 = Math.min(y1, box[2][p]);
                                y2 = Math.max(y2, box[3][p]);
                            }
                        }
                        if (count == 0) {
                            continue;
                        }
                        int slot = base + i * g + j;
                        present[slot] = count / 4f;
                        left[slot] = ax - CELL * x1;
                        top[slot] = ay - CELL * y1;
                        right[slot] = CELL * x2 - ax;
                        bottom[slot] = CELL * y2 - ay;
                        float area = (float) ((x2 - x1) * (y2 - y1));
                        ownFill[slot] = boxSum(ownIntegral, x1, y1, x2, y2) / area;
                        anyFill[slot] = boxSum(anyIntegral, x1, y1, x2, y2) / area;
                    }
                }
            }
        }
        return new Slots(present, left, top, right, bottom, ownFill, anyFill);
    }

    /** [(C + 1)^2] summed-area table of class {@code k}'s mask, or of all classes for -1. */
    int[] integral(byte[] masks, int k) {
        int side = c + 1;
        int[] sums = new int[side * side];
        for (int y = 0; y < c; y++) {
            int row = 0;
            for (int x = 0; x < c; x++) {
                int p = y * c + x;
                if (k >= 0) {
                    row += masks[k * n + p];
                } else {
                    for (int q = 0; q < CLASSES; q++) {
                        row += masks[q * n + p];
                    }
                }
                sums[(y + 1) * side + x + 1] = sums[y * side + x + 1] + row;
            }
        }
        return sums;
    }

    /** Mask cells in [x1, x2) x [y1, y2), from a summed-area table. */
    float boxSum(int[] sums, int x1, int y1, int x2, int y2) {
        int side = c + 1;
        return (float)
                (sums[y2 * side + x2]
                        - sums[y1 * side + x2]
                        - sums[y2 * side + x1]
                        + sums[y1 * side + x1]);
    }

    /**
     * Where a blob's outline steps: between neighbouring columns of the mask whose (uncut) column
     * runs start or end far apart, as where a nearer object stands beside a farther one. Only
     * across columns: a step between rows would cut through the whole width of the nearer object.
     * {@code below} is cleared.
     */
    void outlineSteps(byte[] masks, int offset, boolean[] right, boolean[] below) {
        int[][] runs = runs(masks, offset, null, null);
        int[] colStart = runs[2];
        int[] colEnd = runs[3];
        java.util.Arrays.fill(below, false);
        for (int y = 0; y < c; y++) {
            for (int x = 0; x < c; x++) {
                int p = y * c + x;
                right[p] =
                        x + 1 < c
                                && masks[offset + p] == 1
                                && masks[offset + p + 1] == 1
                                && isStep(colStart[p], colEnd[p], colStart[p + 1], colEnd[p + 1]);
            }
        }
    }

    static boolean isStep(int start1, int end1, int start2, int end2) {
        float limit = Math.max(STEP_CELLS, STEP_RATIO * Math.min(end1 - start1, end2 - start2));
        return Math.abs(start1 - start2) > limit || Math.abs(end1 - end2) > limit;
    }

    /** Where the brightness (channel sum) jumps between a cell and its right / lower neighbour. */
    void edges(float[] cells, boolean[] right, boolean[] below) {
        float[] brightness = new float[n];
        for (int p = 0; p < n; p++) {
            brightness[p] = cells[p] + cells[n + p] + cells[2 * n + p];
        }
        for (int y = 0; y < c; y++) {
            for (int x = 0; x < c; x++) {
                int p = y * c + x;
                if (x + 1 < c) {
                    right[p] = isEdge(brightness[p], brightness[p + 1]);
                }
                if (y + 1 < c) {
                    below[p] = isEdge(brightness[p], brightness[p + c]);
                }
            }
        }
    }

    static boolean isEdge(float a, float b) {
        return Math.abs(a - b) - (a + b) * EDGE_RATIO > 0;
    }

    /**
     * Writes into {@code out} four [C*C] arrays: x1, x2, y1, y2 (cells, x2 and y2 exclusive) of the
     * blob box through each mask cell: the row run through the cell spread over the column run and
     * the other way round. Runs end where the mask changes and, if given, at edges.
     */
    void blobBoxes(
            byte[] masks, int offset, boolean[] edgeRight, boolean[] edgeBelow, int[][] out) {
        int[][] runs = runs(masks, offset, edgeRight, edgeBelow);
        spreadRuns(masks, offset, runs[0], runs[1], runs[2], runs[3], out);
    }

    /** {rowStart, rowEnd, colStart, colEnd} of the mask runs through each cell, cut at breaks. */
    int[][] runs(byte[] masks, int offset, boolean[] edgeRight, boolean[] edgeBelow) {
        int[] rowStart = new int[n];
        int[] rowEnd = new int[n];
        int[] colStart = new int[n];
        int[] colEnd = new int[n];
        for (int y = 0; y < c; y++) {
            int x = 0;
            while (x < c) {
                int p = y * c + x;
                if (masks[offset + p] == 0) {
                    x++;
                    continue;
                }
                int start = x;
                do {
                    x++;
                } while (x < c
                        && masks[offset + y * c + x] == 1
                        && (edgeRight == null || !edgeRight[y * c + x - 1]));
                for (int k = start; k < x; k++) {
                    rowStart[y * c + k] = start;
                    rowEnd[y * c + k] = x;
                }
            }
        }
        for (int x = 0; x < c; x++) {
            int y = 0;
            while (y < c) {
                if (masks[offset + y * c + x] == 0) {
                    y++;
                    continue;
                }
                int start = y;
                do {
                    y++;
                } while (y < c
                        && masks[offset + y * c + x] == 1
                        && (edgeBelow == null || !edgeBelow[(y - 1) * c + x]));
                for (int k = start; k < y; k++) {
                    colStart[k * c + x] = start;
                    colEnd[k * c + x] = y;
                }
            }
        }
        return new int[][] {rowStart, rowEnd, colStart, colEnd};
    }

    private void spreadRuns(
            byte[] masks,
            int offset,
            int[] rowStart,
            int[] rowEnd,
            int[] colStart,
            int[] colEnd,
            int[][] out) {
        int[] x1 = new int[n];
        int[] x2 = new int[n];
        int[] y1 = new int[n];
        int[] y2 = new int[n];
        // Row extents spread over column runs: same run boundaries as above.
        for (int x = 0; x < c; x++) {
            for (int y = 0; y < c; ) {
                int p = y * c + x;
                if (masks[offset + p] == 0) {
                    y++;
                    continue;
                }
                int start = y;
                int end = colEnd[p];
                int lo = c;
                int hi = 0;
                for (int k = start; k < end; k++) {
                    lo = Math.min(lo, rowStart[k * c + x]);
                    hi = Math.max(hi, rowEnd[k * c + x]);
                }
                for (int k = start; k < end; k++) {
                    x1[k * c + x] = lo;
                    x2[k * c + x] = hi;
                }
                y = end;
            }
        }
        for (int y = 0; y < c; y++) {
            for (int x = 0; x < c; ) {
                int p = y * c + x;
                if (masks[offset + p] == 0) {
                    x++;
                    continue;
                }
                int start = x;
                int end = rowEnd[p];
                int lo = c;
                int hi = 0;
                for (int k = start; k < end; k++) {
                    lo = Math.min(lo, colStart[y * c + k]);
                    hi = Math.max(hi, colEnd[y * c + k]);
                }
                for (int k = start; k < end; k++) {
                    y1[y * c + k] = lo;
                    y2[y * c + k] = hi;
                }
                x = end;
            }
        }
        out[0] = x1;
        out[1] = x2;
        out[2] = y1;
        out[3] = y2;
    }

    /**
     * The {@value DetectorLayout#DESCRIPTOR} numbers the score heads of class {@code k} read at
     * anchor {@code anchor}: for each hypothesis h, [present, l, t, r, b, w, h, bottom] (lengths as
     * shares of the input size, bottom = row of the box's bottom edge, 0 when absent); then the
     * width and height of each other hypothesis over those of hypothesis 0; the anchor's row; per
     * hypothesis the aspect w / h and the height and width over the bottom edge's distance below
     * the horizon (capped at 10, 0 when absent); per hypothesis the share of the box's cells in its
     * class's mask and in any class's mask.
     */
    void descriptor(Slots s, int k, int anchor, float[] out) {
        float inv = 1f / layout.inputSize;
        float ay = layout.anchorCentre(anchor / layout.grid);
        float[] ind = new float[HYPOTHESES];
        float[] w = new float[HYPOTHESES];
        float[] h = new float[HYPOTHESES];
        float[] yb = new float[HYPOTHESES];
        for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
            int slot = (hyp * CLASSES + k) * layout.anchors + anchor;
            float present = s.present[slot];
            ind[hyp] = present > 0 ? 1f : 0f;
            int o = 8 * hyp;
            out[o] = present;
            out[o + 1] = s.left[slot] * inv;
            out[o + 2] = s.top[slot] * inv;
            out[o + 3] = s.right[slot] * inv;
            out[o + 4] = s.bottom[slot] * inv;
            w[hyp] = (s.left[slot] + s.right[slot]) * inv;
            h[hyp] = (s.top[slot] + s.bottom[slot]) * inv;
            yb[hyp] = ind[hyp] * ((ay + s.bottom[slot]) * inv);
            out[o + 5] = w[hyp];
            out[o + 6] = h[hyp];
            out[o + 7] = yb[hyp];
        }
        for (int hyp = 1; hyp < HYPOTHESES; hyp++) {
            int o = DESCRIPTOR_RATIOS + 2 * (hyp - 1);
            out[o] = ind[0] * (w[hyp] / Math.max(w[0], inv));
            out[o + 1] = ind[0] * (h[hyp] / Math.max(h[0], inv));
        }
        out[DESCRIPTOR_ROW] = ay * inv;
        for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
            float below = Math.max(yb[hyp] - layout.horizon, MIN_BELOW_HORIZON);
            int o = DESCRIPTOR_SHAPE + 3 * hyp;
            out[o] = ind[hyp] * Math.min(w[hyp] / Math.max(h[hyp], inv), RATIO_CAP);
            out[o + 1] = ind[hyp] * Math.min(h[hyp] / below, RATIO_CAP);
            out[o + 2] = ind[hyp] * Math.min(w[hyp] / below, RATIO_CAP);
        }
        for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
            int slot = (hyp * CLASSES + k) * layout.anchors + anchor;
            out[DESCRIPTOR_FILL + 2 * hyp] = s.ownFill[slot];
            out[DESCRIPTOR_FILL + 2 * hyp + 1] = s.anyFill[slot];
        }
    }

    /** [descriptor, ReLU(random . descriptor + bias), 1]: what a score head multiplies. */
    static void scoreInputs(float[] random, float[] randomBias, float[] descriptor, float[] out) {
        System.arraycopy(descriptor, 0, out, 0, DESCRIPTOR);
        for (int o = 0; o < RANDOM_FEATURES; o++) {
            float v = randomBias[o];
            for (int i = 0; i < DESCRIPTOR; i++) {
                v += random[o * DESCRIPTOR + i] * descriptor[i];
            }
            out[DESCRIPTOR + o] = v > 0 ? v : 0;
        }
        out[DESCRIPTOR + RANDOM_FEATURES] = 1;
    }

    /**
     * The model's whole output for one letterboxed input, channel-major as ONNX Runtime lays out
     * [1, 4 + classes, slots]: per slot cx, cy, w, h in input pixels, then one score per class
     * (only the slot's own class is non-zero).
     */
    float[] output(DetectorWeights w, FloatBuffer input) {
        float[] cells = cells(input);
        byte[] masks = masks(w, stemFeatures(w, stemInput(cells)));
        Slots s = slots(masks, cells);
        int slots = layout.slots;
        int anchors = layout.anchors;
        int inputs = DESCRIPTOR + RANDOM_FEATURES;
        float[] out = new float[(4 + CLASSES) * slots];
        float[] d = new float[DESCRIPTOR];
        float[] x = new float[inputs + 1];
        for (int k = 0; k < CLASSES; k++) {
            for (int a = 0; a < anchors; a++) {
                boolean any = false;
                for (int h = 0; h < HYPOTHESES; h++) {
                    any |= s.present[(h * CLASSES + k) * anchors + a] > 0;
                }
                if (!any) {
                    continue;
                }
                descriptor(s, k, a, d);
                scoreInputs(w.random(), w.randomBias(), d, x);
                for (int h = 0; h < HYPOTHESES; h++) {
                    int slot = (h * CLASSES + k) * anchors + a;
                    if (s.present[slot] == 0) {
                        continue;
                    }
                    int head = h * CLASSES + k;
                    float v = w.scoreBias()[head];
                    for (int i = 0; i < inputs; i++) {
                        v += w.score()[head * inputs + i] * x[i];
                    }
                    float ax = layout.anchorCentre(a % layout.grid);
                    float ay = layout.anchorCentre(a / layout.grid);
                    out[slot] = ax + (s.right[slot] - s.left[slot]) * 0.5f;
                    out[slots + slot] = ay + (s.bottom[slot] - s.top[slot]) * 0.5f;
                    out[2 * slots + slot] = s.left[slot] + s.right[slot];
                    out[3 * slots + slot] = s.top[slot] + s.bottom[slot];
                    out[(4 + k) * slots + slot] = sigmoid(v);
                }
            }
        }
        return out;
    }

    static float sigmoid(float v) {
        return (float) (1 / (1 + StrictMath.exp(-v)));
    }
}
