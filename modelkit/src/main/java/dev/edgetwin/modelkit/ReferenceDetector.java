package dev.edgetwin.modelkit;

import static dev.edgetwin.modelkit.DetectorContract.ANCHORS;
import static dev.edgetwin.modelkit.DetectorContract.GRID;
import static dev.edgetwin.modelkit.DetectorContract.INPUT_SIZE;
import static dev.edgetwin.modelkit.DetectorContract.STRIDE;
import static dev.edgetwin.modelkit.OnnxGraphBuilder.integer;
import static dev.edgetwin.modelkit.OnnxGraphBuilder.ints;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgetwin.sim.ObjectClass;

/**
 * The reference detector: a small convolutional network whose weights are written down from the
 * simulator's palette and lighting rather than learned. It finds the simulator's robots, people and
 * boxes well enough to exercise the whole vision pipeline before a trained model exists, and it
 * honours the same {@link DetectorContract} as a trained YOLOv8 export. Only standard ONNX
 * operators; no NMS inside.
 *
 * <p>How it works, on the 320x320 input:
 *
 * <ol>
 *   <li><b>Colour.</b> Per class, two chromaticity half-space tests and a brightness test (one Gemm
 *       over the pixels, thresholded exactly with Greater) give a binary mask; a 3x3 opening drops
 *       specks. Shading scales a surface's colour but not its chromaticity, so one set of tests
 *       holds from lit to shadowed faces, and nothing blurs the edges boxes come from.
 *   <li><b>Runs.</b> A convolution over the label map (0 background, c + 1 for class c) marks where
 *       the label changes along rows and columns; a column also breaks where a much brighter
 *       surface starts below a darker one of the same class (a nearer cuboid's lit top in front of
 *       a farther one). Running maxima of coordinate codes, in two levels (8-pixel window MaxPools,
 *       then over the 40 blocks), give every pixel the ends of its same-label run, whatever else
 *       lies in the same row.
 *   <li><b>Boxes.</b> A segmented running max spreads each pixel's row extent over its column run
 *       and its column extent over its row run, so every pixel of a convex silhouette holds the
 *       whole bounding box and all anchors on an object report the same box.
 *   <li><b>Anchors.</b> Per class, an 8x8 MaxPool with indices picks in each anchor cell the pixel
 *       whose box the anchor sits most centrally in (FCOS-style centredness with 8 px of slack, so
 *       the nearest anchor to an object smaller than a cell still counts); Gather fetches that box.
 *       Score = 0.4 + 0.6 x centredness where the class is present, else 0. Only the best class per
 *       anchor keeps its score and box, so even a multi-label decoder cannot pair one class's score
 *       with another's box.
 * </ol>
 *
 * <p>Limits: same-class objects that touch in the image form one blob (a row of boxes receding
 * along a shelf, one person behind another), unless the nearer one's lit top face separates them;
 * objects under 3 px across vanish in the opening. Colours must be the simulator's.
 *
 * <p>Every call to {@link #build()} returns the same bytes: nothing random, no timestamps.
 */
public final class ReferenceDetector {
    static final String METHOD =
            "hand-written weights: chromaticity masks from the simulator palette; box edges from"
                    + " running-max scans over same-colour runs, broken at lit top faces;"
                    + " per-anchor pick by centredness";
    static final String TRAINED_ON = "not trained: weights derived from the simulator palette";

    // Membership tests per class, on chromaticity (r + g + b = 1): a_r r + a_g g + a_b b > t.
    // Two per class (plus the shared brightness test), so they stack into one tensor. Thresholds
    // sit between the class and its
    // nearest rival and, for grey neighbours, near a half-and-half pixel mix, so edges land within
    // half a pixel.
    private static final float[][] TESTS = {
        // robot (40, 90, 220), chroma (.11, .26, .63): blue dominates; grey and the blue-grey
        // shelves (80, 85, 95) have b < 0.37.
        {0, 0, 1, 0.47f},
        {0, -1, 1, 0.18f},
        // person (235, 220, 30), chroma (.49, .45, .06): little blue, and green close to red
        // (g - 0.8 r = +0.07) unlike the boxes (-0.07).
        {0, 0, -1, -0.21f},
        {-0.8f, 1, 0, 0.015f},
        // box (165, 110, 55), chroma (.50, .33, .17): red well above blue; green well below red.
        {1, 0, -1, 0.14f},
        {0.8f, -1, 0, -0.015f},
    };
    // Sum of the channels in [0, 1]. The darkest object face is about 0.7; below this chromaticity
    // is mostly noise.
    private static final float MIN_BRIGHTNESS = 0.48f;
    // Brightness ratio across a top edge (two pixels apart) that breaks a column run. The top face
    // is lit at least 1.2x as brightly as any side face; noise and shading within a face stay far
    // below 1.12.
    private static final float TOP_FACE_RATIO = 1.12f;
    // Offset that makes every scan code positive, so "no label change here" (0) loses every max.
    private static final float BIG = 1024f;
    // Multiplier of run codes in segmented scans: above any spread value, and small enough that
    // code * SPREAD_KEY + value (< 2^21) stays an exact float.
    private static final float SPREAD_KEY = 512f;
    // Centredness counts this many extra pixels on each side of the anchor, so that the nearest
    // anchor to an object smaller than a cell still looks fairly central.
    private static final float CENTRE_SLACK = 8f;
    // score = FLOOR + (1 - FLOOR) * centredness where the class is present, else 0
    private static final float SCORE_FLOOR = 0.4f;

    private final OnnxGraphBuilder g = new OnnxGraphBuilder("edgetwin_reference_detector");
    private final int classes = ObjectClass.values().length;
    private final String zero = g.scalar(0);
    private final String one = g.scalar(1);

    private ReferenceDetector() {
        if (classes != DetectorContract.CLASS_NAMES.size() || TESTS.length != 2 * classes) {
            throw new IllegalStateException(
                    "membership tests cover "
                            + TESTS.length / 2
                            + " classes, the simulator has "
                            + classes);
        }
    }

    /** The model as serialised ONNX; the same bytes on every call. */
    public static byte[] build() {
        return new ReferenceDetector().model();
    }

    private byte[] model() {
        int s = INPUT_SIZE;
        String image = g.floatInput(DetectorContract.INPUT_NAME, 1, 3, s, s);
        String masks = opening(membership(image));

        // Run codes per pixel: {x end, x first, y end, y first} (see runCodes).
        String[] code = runCodes(masks, topEdges(image, masks));
        // Extents of the runs through each pixel, [x2, s - x1] and [y2, s - y1]: each grows with
        // the box, so maxima pick the outermost edges.
        String xRun = g.op("Sub", vector(BIG, s + BIG), g.concat(1, code[0], code[1]));
        String yRun = g.op("Sub", vector(BIG, s + BIG), g.concat(1, code[2], code[3]));
        // Spread each pixel's row extents over its column run and its column extents over its
        // row run: every pixel of a convex silhouette then knows the whole bounding box, so all
        // anchors on an object agree and NMS keeps one box, not slivers from border cells.
        String xSpread = spreadOverRun(xRun, code[3], code[2], false);
        String ySpread = spreadOverRun(yRun, code[1], code[0], true);
        String extents = g.concat(1, xSpread, ySpread);

        // Each anchor speaks, per class, for the one pixel of its cell whose box it sits most
        // centrally in: priority = mask * (1 + centredness), so any present pixel beats none. A
        // cell that touches two objects of a class so reports one of them, not their union.
        String centred = g.op("Min", centredness(xSpread, true), centredness(ySpread, false));
        String priority = g.op("Mul", masks, g.op("Add", centred, one));
        String[] pooled =
                g.multiNode(
                        "MaxPool",
                        2,
                        new String[] {priority},
                        ints("kernel_shape", STRIDE, STRIDE),
                        ints("strides", STRIDE, STRIDE));
        // MaxPool indices count over the whole tensor; take off each class channel's offset.
        long[] channelOffsets = new long[classes];
        for (int c = 0; c < classes; c++) {
            channelOffsets[c] = (long) c * s * s;
        }
        String pixel =
                g.op(
                        "Sub",
                        pooled[1],
                        g.int64Tensor("channel_offset", channelOffsets, 1, classes, 1, 1));
        // [1, 4 * classes, GRID, GRID]: x2 | s - x1 | y2 | s - y1, each block one per class
        String cellExtents =
                g.reshape(
                        g.node(
                                "Gather",
                                new String[] {g.reshape(extents, 4, (long) s * s), pixel},
                                integer("axis", 1)),
                        1,
                        4L * classes,
                        GRID,
                        GRID);
        String present = g.op("Min", pooled[0], one);
        String scores =
                g.op(
                        "Add",
                        g.op("Mul", present, g.scalar(SCORE_FLOOR)),
                        g.op("Mul", g.op("Sub", pooled[0], present), g.scalar(1 - SCORE_FLOOR)));

        String best = bestClass(scores);
        String boxes =
                g.op(
                        "Mul",
                        chosenBoxes(cellExtents, best),
                        g.node(
                                "ReduceMax",
                                new String[] {present},
                                ints("axes", 1),
                                integer("keepdims", 1)));
        String head = g.concat(1, boxes, g.op("Mul", scores, best));
        g.namedNode(
                "Reshape",
                DetectorContract.OUTPUT_NAME,
                new String[] {head, g.int64s("shape", 1, 4 + classes, ANCHORS)});
        g.floatOutput(DetectorContract.OUTPUT_NAME, 1, 4 + classes, ANCHORS);

        writeMetadata();
        return g.build(
                        DetectorContract.IR_VERSION,
                        DetectorContract.OPSET,
                        "edgetwin-modelkit",
                        ModelKitVersion.VERSION)
                .toByteArray();
    }

    /** [1, classes, s, s]: exactly 1 where a pixel has the class's colour, else 0. */
    private String membership(String image) {
        // a . chroma - t has the sign of (a - t) . rgb, since chroma = rgb / sum(rgb) and the
        // chroma components sum to 1: a sign test needs no division. The third test of each class
        // is the brightness test, repeated so one ReduceMin combines all three.
        int perClass = 3;
        float[] w = new float[classes * perClass * 3];
        float[] bias = new float[classes * perClass];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < 2; i++) {
                float[] test = TESTS[2 * c + i];
                for (int ch = 0; ch < 3; ch++) {
                    w[((c * perClass) + i) * 3 + ch] = test[ch] - test[3];
                }
            }
            int brightness = c * perClass + 2;
            for (int ch = 0; ch < 3; ch++) {
                w[brightness * 3 + ch] = 1;
            }
            bias[brightness] = -MIN_BRIGHTNESS;
        }
        // Gemm over [3, pixels] rather than a 1x1 Conv: with 3 input channels the Conv's blocked
        // layout costs more than the arithmetic.
        int pixels = INPUT_SIZE * INPUT_SIZE;
        String tests =
                g.node(
                        "Gemm",
                        new String[] {
                            g.floats("colour_tests", w, classes * perClass, 3),
                            g.reshape(image, 3, pixels),
                            g.floats("colour_bias", bias, classes * perClass, 1)
                        });
        String weakest =
                g.node(
                        "ReduceMin",
                        new String[] {
                            g.reshape(tests, 1, classes, perClass, INPUT_SIZE, INPUT_SIZE)
                        },
                        ints("axes", 2),
                        integer("keepdims", 0));
        // A hard threshold rather than a steep ramp: one fractional mask value on an object's
        // first pixel would turn its run-start coordinate into garbage.
        return g.cast(g.op("Greater", weakest, zero), TensorProto.DataType.FLOAT);
    }

    /**
     * [1, 2, s, s] extra column-run breaks, as {end, first} like the y channels of the label
     * changes in {@link #runCodes}: a run also ends where the pixel below is much brighter than the
     * one above it. The light comes from above, so a cuboid's top face is its brightest face; a
     * bright top face just below a darker face of the same colour is the top of a nearer object in
     * front of a farther one (a row of boxes along a shelf), not part of the same object.
     */
    private String topEdges(String image, String masks) {
        int s = INPUT_SIZE;
        String brightness =
                g.node(
                        "ReduceSum",
                        new String[] {image, g.int64s("axes", 1)},
                        integer("keepdims", 1));
        // Compared over two pixels, so that a top edge blurred over one pixel by resizing counts;
        // edge padding, because the image border is no brightness step.
        String padded =
                g.node(
                        "Pad",
                        new String[] {brightness, g.int64s("pads", 0, 0, 2, 0, 0, 0, 0, 0)},
                        OnnxGraphBuilder.string("mode", "edge"));
        String brighter =
                g.cast(
                        g.op(
                                "Greater",
                                g.node(
                                        "Conv",
                                        new String[] {
                                            padded,
                                            g.floats(
                                                    "top_edge_taps",
                                                    new float[] {-TOP_FACE_RATIO, 0, 1},
                                                    1,
                                                    1,
                                                    3,
                                                    1)
                                        },
                                        ints("kernel_shape", 3, 1)),
                                zero),
                        TensorProto.DataType.FLOAT);
        // A blurred edge fires on two consecutive rows; keep the first, so the blurred row joins
        // the nearer object instead of forming a run of its own.
        String firstOfPair = g.op("Sub", brighter, shiftDown(brighter, 1));
        // Only inside a same-class run from two rows above to one below: an object's own top edge
        // against a darker background, or its bottom edge blurred into a lighter floor, is no
        // break.
        String notClass = g.op("Sub", one, masks);
        String sameClass =
                g.op(
                        "Sub",
                        one,
                        g.node(
                                "ReduceMin",
                                new String[] {
                                    g.node(
                                            "MaxPool",
                                            new String[] {notClass},
                                            ints("kernel_shape", 4, 1),
                                            ints("pads", 2, 0, 1, 0))
                                },
                                ints("axes", 1),
                                integer("keepdims", 1)));
        String first = g.op("Relu", g.op("Mul", firstOfPair, sameClass));
        // The run above ends one row earlier: end(y) = first(y + 1).
        long[] pads = {0, 0, 0, 0, 0, 0, 1, 0};
        String end = g.slice(g.op("Pad", first, g.int64s("pads", pads), zero), 2, 1, s + 1);
        return g.concat(1, end, first);
    }

    /** x moved down by {@code rows} rows along y, zeros entering at the top. */
    private String shiftDown(String x, int rows) {
        long[] pads = {0, 0, rows, 0, 0, 0, 0, 0};
        return g.slice(g.op("Pad", x, g.int64s("pads", pads), zero), 2, 0, INPUT_SIZE);
    }

    /** Erosion then dilation, 3x3: drops specks smaller than 3x3, keeps straight edges exact. */
    private String opening(String masks) {
        String eroded = g.op("Sub", one, maxPool3x3(g.op("Sub", one, masks)));
        return maxPool3x3(eroded);
    }

    /**
     * Four [1, 1, s, s] scans: {x end, x first, y end, y first}. "first" is BIG plus the coordinate
     * of the first pixel of the same-label run through each pixel, so it never decreases along the
     * axis; "end" is BIG minus the coordinate just past the run's last pixel, so it never
     * increases. Outside the image counts as background, so objects cut by the border close there;
     * background runs that touch the border get code 0.
     */
    private String[] runCodes(String masks, String extraBreaks) {
        // L = sum (c + 1) m_c, then L(p) minus its next / previous neighbour in x, then in y.
        int s = INPUT_SIZE;
        float[] labels = new float[classes];
        for (int c = 0; c < classes; c++) {
            labels[c] = c + 1;
        }
        String label =
                g.reshape(
                        g.op(
                                "MatMul",
                                g.floats("labels", labels, 1, classes),
                                g.reshape(masks, classes, (long) s * s)),
                        1,
                        1,
                        s,
                        s);
        int[] neighbour = {5, 3, 7, 1}; // index in the 3x3 kernel: right, left, below, above
        float[] taps = new float[4 * 9];
        for (int k = 0; k < 4; k++) {
            taps[k * 9 + 4] = 1;
            taps[k * 9 + neighbour[k]] = -1;
        }
        String diff =
                g.node(
                        "Conv",
                        new String[] {label, g.floats("label_taps", taps, 4, 1, 3, 3)},
                        ints("kernel_shape", 3, 3),
                        ints("pads", 1, 1, 1, 1));
        String labelChanges = g.op("Clip", g.op("Abs", diff), zero, one);
        String changed =
                g.concat(
                        1,
                        g.slice(labelChanges, 1, 0, 2),
                        g.op("Max", g.slice(labelChanges, 1, 2, 4), extraBreaks));

        // Z = the code where the label changes, 0 elsewhere. Codes are all positive, so 0 (and
        // the pads) lose every max: "end" codes BIG - (p + 1) are scanned towards -p, "first"
        // codes BIG + p towards +p.
        float[] xCode = new float[4 * s];
        float[] yCode = new float[4 * s];
        for (int p = 0; p < s; p++) {
            xCode[p] = BIG - (p + 1);
            xCode[s + p] = BIG + p;
            yCode[2 * s + p] = BIG - (p + 1);
            yCode[3 * s + p] = BIG + p;
        }
        String code =
                g.op(
                        "Add",
                        g.floats("x_code", xCode, 1, 4, 1, s),
                        g.floats("y_code", yCode, 1, 4, s, 1));
        String z = g.op("Mul", changed, code);
        return new String[] {
            runningMax(g.slice(z, 1, 0, 1), true, false),
            runningMax(g.slice(z, 1, 1, 2), true, true),
            runningMax(g.slice(z, 1, 2, 3), false, false),
            runningMax(g.slice(z, 1, 3, 4), false, true)
        };
    }

    /**
     * For each pixel, the maximum of {@code values} ([1, 2, s, s], each in [0, SPREAD_KEY)) over
     * the same-label run through it along x or y. A segmented scan without branches: keyed by the
     * run's first code, a forward running max cannot reach back past the run's start, because
     * earlier runs have smaller keys; keyed by the end code, a backward one cannot pass its end.
     */
    private String spreadOverRun(String values, String first, String end, boolean alongX) {
        String clipped = g.op("Clip", values, zero, g.scalar(SPREAD_KEY - 1));
        String key = g.scalar(SPREAD_KEY);
        String firstKey = g.op("Mul", first, key);
        String endKey = g.op("Mul", end, key);
        String before =
                g.op("Sub", runningMax(g.op("Add", clipped, firstKey), alongX, true), firstKey);
        String after = g.op("Sub", runningMax(g.op("Add", clipped, endKey), alongX, false), endKey);
        return g.op("Max", before, after);
    }

    private String runningMax(String z, boolean alongX, boolean forward) {
        return g.runningMax(z, alongX ? 3 : 2, forward, INPUT_SIZE, STRIDE, zero);
    }

    /**
     * [1, 1, s, s]: for each pixel, min(before, after) / max(before, after) of the distances from
     * its cell's anchor to the edges of the pixel's box along x or y, each plus {@link
     * #CENTRE_SLACK}. 1 when the anchor is at the box centre, falling to 0 at its edges and beyond.
     *
     * @param extents [1, 2, s, s]: [high, s - low] of the box, i.e. [x2, s - x1] or [y2, s - y1]
     */
    private String centredness(String extents, boolean alongX) {
        int s = INPUT_SIZE;
        float[] offsets = new float[2 * s];
        for (int p = 0; p < s; p++) {
            float anchor = (p / STRIDE + 0.5f) * STRIDE;
            offsets[p] = CENTRE_SLACK - anchor; // + high = high - anchor + slack
            offsets[s + p] = anchor + CENTRE_SLACK - s; // + (s - low) = anchor - low + slack
        }
        long[] shape = alongX ? new long[] {1, 2, 1, s} : new long[] {1, 2, s, 1};
        String distances = g.op("Add", extents, g.floats("anchor_offset", offsets, shape));
        String nearer = reduce("ReduceMin", distances);
        String farther = reduce("ReduceMax", distances);
        return g.op("Div", g.op("Relu", nearer), g.op("Max", farther, one));
    }

    private String reduce(String op, String x) {
        return g.node(op, new String[] {x}, ints("axes", 1), integer("keepdims", 1));
    }

    /** One-hot [1, classes, GRID, GRID] of the best-scoring class; tiny offsets break ties. */
    private String bestClass(String scores) {
        float[] tieBreak = new float[classes];
        for (int c = 0; c < classes; c++) {
            tieBreak[c] = (classes - c) * 1e-5f;
        }
        String ranked = g.op("Add", scores, g.floats("tie_break", tieBreak, 1, classes, 1, 1));
        String top =
                g.node("ReduceMax", new String[] {ranked}, ints("axes", 1), integer("keepdims", 1));
        return g.cast(g.op("Equal", ranked, top), TensorProto.DataType.FLOAT);
    }

    /** [1, 4, GRID, GRID]: the best class's box as cx, cy, w, h. */
    private String chosenBoxes(String cellExtents, String best) {
        // Per class [cx, cy, w, h] is linear in [x2, s - x1, y2, s - y1]: a 1x1 convolution.
        float[][] mix = {{0.5f, -0.5f, 0, 0}, {0, 0, 0.5f, -0.5f}, {1, 1, 0, 0}, {0, 0, 1, 1}};
        float[] offset = {INPUT_SIZE / 2f, INPUT_SIZE / 2f, -INPUT_SIZE, -INPUT_SIZE};
        int n = 4 * classes;
        float[] weights = new float[n * n];
        float[] bias = new float[n];
        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < classes; c++) {
                int out = k * classes + c;
                for (int j = 0; j < 4; j++) {
                    weights[out * n + j * classes + c] = mix[k][j];
                }
                bias[out] = offset[k];
            }
        }
        String perClass =
                conv1x1(
                        cellExtents,
                        g.floats("to_box", weights, n, n, 1, 1),
                        g.floats("to_box_bias", bias, n));
        String chosen =
                g.op(
                        "Mul",
                        g.reshape(perClass, 1, 4, classes, GRID, GRID),
                        g.reshape(best, 1, 1, classes, GRID, GRID));
        return g.node(
                "ReduceSum", new String[] {chosen, g.int64s("axes", 2)}, integer("keepdims", 0));
    }

    private String maxPool3x3(String x) {
        return g.node(
                "MaxPool", new String[] {x}, ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1));
    }

    private String conv1x1(String x, String weights, String bias) {
        return g.node("Conv", new String[] {x, weights, bias}, ints("kernel_shape", 1, 1));
    }

    /** A [1, n, 1, 1] constant, one value per channel. */
    private String vector(float... values) {
        return g.floats("channel_constant", values, 1, values.length, 1, 1);
    }

    private void writeMetadata() {
        String version = ModelKitVersion.VERSION;
        g.metadata(
                "description",
                "edgetwin reference detector: robots, people and boxes in the simulated factory");
        g.metadata("author", "edgetwin");
        g.metadata("version", version);
        g.metadata("stride", Integer.toString(STRIDE));
        g.metadata("task", "detect");
        g.metadata("batch", "1");
        g.metadata("imgsz", "[" + INPUT_SIZE + ", " + INPUT_SIZE + "]");
        g.metadata("names", DetectorContract.namesLiteral());
        g.metadata("edgetwin.generator", ReferenceDetector.class.getName() + " " + version);
        // Nothing here is random; the key is kept so that every edgetwin model has the same keys.
        g.metadata("edgetwin.seed", "0");
        g.metadata("edgetwin.method", METHOD);
        g.metadata("edgetwin.trained_on", TRAINED_ON);
    }
}
