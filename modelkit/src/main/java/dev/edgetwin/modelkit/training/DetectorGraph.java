package dev.edgetwin.modelkit.training;

import static dev.edgetwin.modelkit.OnnxGraphBuilder.integer;
import static dev.edgetwin.modelkit.OnnxGraphBuilder.ints;
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
import static dev.edgetwin.modelkit.training.DetectorLayout.SCAN_BLOCK;
import static dev.edgetwin.modelkit.training.DetectorLayout.SCAN_KEY;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM1;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM2;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM_IN;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEP_CELLS;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEP_RATIO;
import static dev.edgetwin.modelkit.training.DetectorLayout.STRIDE;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgetwin.modelkit.DetectorContract;
import dev.edgetwin.modelkit.ModelKitVersion;
import dev.edgetwin.modelkit.OnnxGraphBuilder;
import java.util.Map;

/**
 * Writes a trained detector as an ONNX graph (IR 8, opset 17, standard operators only) that
 * computes what {@link FeatureStack} computes, with Ultralytics YOLOv8 tensors and metadata so that
 * any YOLOv8 decoder (the vision module's {@code OnnxDetector}) runs it.
 *
 * <p>Output {@code output0} [1, 7, N], N = hypotheses x classes x anchors: every slot is one box
 * (cx, cy, w, h in input pixels) with a score for its own class only, the others 0; slots with no
 * box are all zeros. Runs are found with two-level running maxima (MaxPool) over coordinate codes,
 * as the reference detector does; all of that arithmetic is on small integers and exact in float32,
 * so the boxes match the Java pass bit for bit whenever the class masks do.
 */
final class DetectorGraph {
    private final DetectorLayout layout;
    private final OnnxGraphBuilder g = new OnnxGraphBuilder("edgetwin_trained_detector");
    private final int c;
    private final String zero;

    /** The convolutions and their ReLUs: the only nodes that tolerate int8. */
    private final java.util.List<String> quantizable = new java.util.ArrayList<>();

    private DetectorGraph(DetectorLayout layout) {
        this.layout = layout;
        this.c = layout.cells;
        this.zero = g.scalar(0);
    }

    /**
     * The model with {@code metadata} (in iteration order) after the Ultralytics keys.
     *
     * @param metadata provenance entries, e.g. {@code edgetwin.seed}
     */
    static ModelProto build(
            DetectorLayout layout, DetectorWeights weights, Map<String, String> metadata) {
        return new DetectorGraph(layout).model(weights, metadata);
    }

    private ModelProto model(DetectorWeights w, Map<String, String> metadata) {
        int s = layout.inputSize;
        int grid = layout.grid;
        String image = g.floatInput(DetectorContract.INPUT_NAME, 1, 3, s, s);
        String cells =
                g.node(
                        "AveragePool",
                        new String[] {image},
                        ints("kernel_shape", CELL, CELL),
                        ints("strides", CELL, CELL));

        // Stem: grey-world chromaticity and brightness, two fixed 1x1 conv + ReLU layers.
        String mean = g.op("GlobalAveragePool", cells);
        String balanced = g.op("Div", cells, mean);
        String sum = g.op("Add", reduceSum(balanced, 1), g.scalar(BRIGHTNESS_EPSILON));
        String stemIn = g.concat(1, g.op("Div", balanced, sum), sum);
        String h1 = relu(conv1x1(stemIn, w.stem1(), w.stem1Bias(), STEM1, STEM_IN, 1));
        String h2 = relu(conv1x1(h1, w.stem2(), w.stem2Bias(), STEM2, STEM1, 1));
        String scores =
                conv1x1(
                        g.concat(1, h1, h2),
                        w.pixelHead(),
                        w.pixelBias(),
                        CLASSES,
                        STEM1 + STEM2,
                        1);
        String best =
                g.node("ReduceMax", new String[] {scores}, ints("axes", 1), integer("keepdims", 1));
        String masks =
                g.cast(
                        g.op(
                                "And",
                                g.op("Greater", scores, g.scalar(MASK_THRESHOLD)),
                                g.op("Equal", scores, best)),
                        TensorProto.DataType.FLOAT);
        // [1, HYPOTHESES * CLASSES, C, C]: channel h * CLASSES + k.
        String[] copies = new String[HYPOTHESES];
        java.util.Arrays.fill(copies, masks);
        String blobs = g.concat(1, copies);

        // Hypothesis 0: runs end where the mask changes. start1 = first cell of the run + 1,
        // endKey = C - last cell of the run.
        String changeRight = changes(masks, 3);
        String changeBelow = changes(masks, 2);
        String rowStart1 = runningMax(startCodes(changeRight, 3), 3, true);
        String rowEndKey = runningMax(endCodes(changeRight, 3), 3, false);
        String colStart1 = runningMax(startCodes(changeBelow, 2), 2, true);
        String colEndKey = runningMax(endCodes(changeBelow, 2), 2, false);
        if (HYPOTHESES > 1) {
            // Hypothesis 1 also ends them at brightness edges, hypothesis 2 also at steps in the
            // outline between neighbouring columns.
            String brightness = reduceSum(cells, 1);
            String edgeRight = g.op("Max", changeRight, edges(brightness, 3));
            String edgeBelow = g.op("Max", changeBelow, edges(brightness, 2));
            String[] cutRight = new String[HYPOTHESES - 1];
            String[] cutBelow = new String[HYPOTHESES - 1];
            cutRight[0] = edgeRight;
            cutBelow[0] = edgeBelow;
            if (HYPOTHESES > 2) {
                cutRight[1] = g.op("Max", edgeRight, steps(masks, colStart1, colEndKey, 3));
                cutBelow[1] = edgeBelow;
            }
            String right = g.concat(1, cutRight);
            String below = g.concat(1, cutBelow);
            rowStart1 = g.concat(1, rowStart1, runningMax(startCodes(right, 3), 3, true));
            rowEndKey = g.concat(1, rowEndKey, runningMax(endCodes(right, 3), 3, false));
            colStart1 = g.concat(1, colStart1, runningMax(startCodes(below, 2), 2, true));
            colEndKey = g.concat(1, colEndKey, runningMax(endCodes(below, 2), 2, false));
        }
        String cPlus1 = g.scalar(c + 1);
        // Values for min(start) as max(C + 1 - start1), and end = C + 1 - endKey.
        String rowFromStart = g.op("Sub", cPlus1, rowStart1);
        String rowEnd = g.op("Sub", cPlus1, rowEndKey);
        String colFromStart = g.op("Sub", cPlus1, colStart1);
        String colEnd = g.op("Sub", cPlus1, colEndKey);
        // Row extents spread over column runs, column extents over row runs.
        String xSpread =
                spread(g.concat(1, rowFromStart, rowEnd), colStart1, colEndKey, 2); // C-x1 | x2
        String ySpread =
                spread(g.concat(1, colFromStart, colEnd), rowStart1, rowEndKey, 3); // C-y1 | y2

        // Per anchor: the four cells around its centre; union of their boxes.
        int ch = HYPOTHESES * CLASSES;
        String boxCodes =
                g.op("Mul", g.concat(1, xSpread, ySpread), g.concat(1, blobs, blobs, blobs, blobs));
        String pooled = anchorPool(boxCodes, "MaxPool");
        String present = anchorPool(blobs, "AveragePool");
        String ind = g.cast(g.op("Greater", present, zero), TensorProto.DataType.FLOAT);
        float[] ax = new float[grid];
        for (int j = 0; j < grid; j++) {
            ax[j] = layout.anchorCentre(j);
        }
        String anchorX = g.floats("anchor_x", ax, 1, 1, 1, grid);
        String anchorY = g.floats("anchor_y", ax, 1, 1, grid, 1);
        String cellPx = g.scalar(CELL);
        String twoC = g.scalar(CELL * c);
        // l = ax - 2 x1 = ax - 2C + 2 (C - x1); r = 2 x2 - ax; likewise t, b.
        String left =
                g.op(
                        "Mul",
                        ind,
                        g.op(
                                "Add",
                                g.op("Sub", anchorX, twoC),
                                g.op("Mul", cellPx, g.slice(pooled, 1, 0, ch))));
        String right =
                g.op(
                        "Mul",
                        ind,
                        g.op("Sub", g.op("Mul", cellPx, g.slice(pooled, 1, ch, 2L * ch)), anchorX));
        String top =
                g.op(
                        "Mul",
                        ind,
                        g.op(
                                "Add",
                                g.op("Sub", anchorY, twoC),
                                g.op("Mul", cellPx, g.slice(pooled, 1, 2L * ch, 3L * ch))));
        String bottom =
                g.op(
                        "Mul",
                        ind,
                        g.op(
                                "Sub",
                                g.op("Mul", cellPx, g.slice(pooled, 1, 3L * ch, 4L * ch)),
                                anchorY));

        String[] fill = fills(masks, pooled, ind);
        String score =
                scoreHeads(w, present, ind, left, top, right, bottom, anchorY, fill[0], fill[1]);

        // Output: slot = (h * CLASSES + k) * anchors + anchor, i.e. the channel-major flattening.
        int slots = layout.slots;
        String half = g.scalar(0.5f);
        String cx =
                g.op("Mul", ind, g.op("Add", anchorX, g.op("Mul", g.op("Sub", right, left), half)));
        String cy =
                g.op("Mul", ind, g.op("Add", anchorY, g.op("Mul", g.op("Sub", bottom, top), half)));
        String width = g.op("Add", left, right);
        String height = g.op("Add", top, bottom);
        String boxes =
                g.concat(
                        1,
                        g.reshape(cx, 1, 1, slots),
                        g.reshape(cy, 1, 1, slots),
                        g.reshape(width, 1, 1, slots),
                        g.reshape(height, 1, 1, slots));
        float[] oneHot = new float[CLASSES * ch];
        for (int k = 0; k < CLASSES; k++) {
            for (int h = 0; h < HYPOTHESES; h++) {
                oneHot[k * ch + h * CLASSES + k] = 1;
            }
        }
        String classScores =
                g.reshape(
                        g.op(
                                "Mul",
                                g.reshape(score, 1, 1, ch, layout.anchors),
                                g.floats("class_of_slot", oneHot, 1, CLASSES, ch, 1)),
                        1,
                        CLASSES,
                        slots);
        g.namedNode(
                "Concat",
                DetectorContract.OUTPUT_NAME,
                new String[] {boxes, classScores},
                integer("axis", 1));
        g.floatOutput(DetectorContract.OUTPUT_NAME, 1, 4 + CLASSES, slots);

        writeMetadata(metadata);
        return g.build(
                DetectorContract.IR_VERSION,
                DetectorContract.OPSET,
                "edgetwin-modelkit",
                ModelKitVersion.VERSION);
    }

    /**
     * [1, HYPOTHESES * CLASSES, G, G] scores (channel h * CLASSES + k), sigmoid applied, 0 where
     * the slot is empty. Per class, the {@link FeatureStack#descriptor} (classes in the batch
     * axis), the shared random ReLU layer, then one grouped 1x1 conv holding every class's heads.
     */
    private String scoreHeads(
            DetectorWeights weights,
            String present,
            String ind,
            String left,
            String top,
            String right,
            String bottom,
            String anchorY,
            String ownFill,
            String anyFill) {
        int grid = layout.grid;
        float inverse = 1f / layout.inputSize;
        String inv = g.scalar(inverse);
        // [CLASSES, HYPOTHESES, G, G]
        String p = byClass(present);
        String in = byClass(ind);
        String l = g.op("Mul", byClass(left), inv);
        String t = g.op("Mul", byClass(top), inv);
        String r = g.op("Mul", byClass(right), inv);
        String b = byClass(bottom);
        String bs = g.op("Mul", b, inv);
        String w = g.op("Mul", g.op("Add", byClass(left), byClass(right)), inv);
        String h = g.op("Mul", g.op("Add", byClass(top), b), inv);
        String yb = g.op("Mul", in, g.op("Mul", g.op("Add", anchorY, b), inv));
        float[] rows = new float[CLASSES * grid * grid];
        for (int k = 0; k < CLASSES; k++) {
            for (int i = 0; i < grid; i++) {
                for (int j = 0; j < grid; j++) {
                    rows[(k * grid + i) * grid + j] = layout.anchorCentre(i) * inverse;
                }
            }
        }
        String anchorRow = g.floats("anchor_row", rows, CLASSES, 1, grid, grid);
        String[] parts = new String[DESCRIPTOR];
        for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
            int o = 8 * hyp;
            parts[o] = hyp(p, hyp);
            parts[o + 1] = hyp(l, hyp);
            parts[o + 2] = hyp(t, hyp);
            parts[o + 3] = hyp(r, hyp);
            parts[o + 4] = hyp(bs, hyp);
            parts[o + 5] = hyp(w, hyp);
            parts[o + 6] = hyp(h, hyp);
            parts[o + 7] = hyp(yb, hyp);
        }
        String ind0 = hyp(in, 0);
        for (int hyp = 1; hyp < HYPOTHESES; hyp++) {
            int o = DESCRIPTOR_RATIOS + 2 * (hyp - 1);
            parts[o] = g.op("Mul", ind0, g.op("Div", hyp(w, hyp), g.op("Max", hyp(w, 0), inv)));
            parts[o + 1] = g.op("Mul", ind0, g.op("Div", hyp(h, hyp), g.op("Max", hyp(h, 0), inv)));
        }
        parts[DESCRIPTOR_ROW] = anchorRow;
        String below =
                g.op("Max", g.op("Sub", yb, g.scalar(layout.horizon)), g.scalar(MIN_BELOW_HORIZON));
        String cap = g.scalar(RATIO_CAP);
        String aspect = g.op("Mul", in, g.op("Min", g.op("Div", w, g.op("Max", h, inv)), cap));
        String heightRatio = g.op("Mul", in, g.op("Min", g.op("Div", h, below), cap));
        String widthRatio = g.op("Mul", in, g.op("Min", g.op("Div", w, below), cap));
        for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
            int o = DESCRIPTOR_SHAPE + 3 * hyp;
            parts[o] = hyp(aspect, hyp);
            parts[o + 1] = hyp(heightRatio, hyp);
            parts[o + 2] = hyp(widthRatio, hyp);
        }
        String own = byClass(ownFill);
        String any = byClass(anyFill);
        for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
            parts[DESCRIPTOR_FILL + 2 * hyp] = hyp(own, hyp);
            parts[DESCRIPTOR_FILL + 2 * hyp + 1] = hyp(any, hyp);
        }
        String descriptor = g.concat(1, parts); // [CLASSES, DESCRIPTOR, G, G]
        String random =
                relu(
                        conv1x1(
                                descriptor,
                                weights.random(),
                                weights.randomBias(),
                                RANDOM_FEATURES,
                                DESCRIPTOR,
                                1));
        int inputs = DESCRIPTOR + RANDOM_FEATURES;
        String headInputs =
                g.reshape(g.concat(1, descriptor, random), 1, (long) CLASSES * inputs, grid, grid);
        // Grouped conv: group k holds class k's heads, output channel 2k + h.
        int heads = HYPOTHESES * CLASSES;
        float[] headWeights = new float[heads * inputs];
        float[] bias = new float[heads];
        for (int k = 0; k < CLASSES; k++) {
            for (int hyp = 0; hyp < HYPOTHESES; hyp++) {
                int javaHead = hyp * CLASSES + k;
                int onnxHead = k * HYPOTHESES + hyp;
                System.arraycopy(
                        weights.score(), javaHead * inputs, headWeights, onnxHead * inputs, inputs);
                bias[onnxHead] = weights.scoreBias()[javaHead];
            }
        }
        String logits = conv1x1(headInputs, headWeights, bias, heads, inputs, CLASSES);
        // [1, CLASSES * HYPOTHESES, G, G] -> [1, HYPOTHESES * CLASSES, G, G]
        String reordered =
                g.reshape(
                        g.node(
                                "Transpose",
                                new String[] {g.reshape(logits, CLASSES, HYPOTHESES, grid, grid)},
                                ints("perm", 1, 0, 2, 3)),
                        1,
                        heads,
                        grid,
                        grid);
        return g.op("Mul", g.op("Sigmoid", reordered), ind);
    }

    /**
     * {own, any}: [1, HYPOTHESES * CLASSES, G, G] shares of each slot's box (in cells) covered by
     * its own class's mask and by any class's mask, from summed-area tables; 0 for empty slots.
     */
    private String[] fills(String masks, String pooled, String ind) {
        int ch = HYPOTHESES * CLASSES;
        int side = c + 1;
        String cells = g.scalar(c);
        String x1 = g.op("Sub", cells, g.slice(pooled, 1, 0, ch));
        String x2 = g.slice(pooled, 1, ch, 2L * ch);
        String y1 = g.op("Sub", cells, g.slice(pooled, 1, 2L * ch, 3L * ch));
        String y2 = g.slice(pooled, 1, 3L * ch, 4L * ch);
        String area = g.op("Mul", g.op("Sub", x2, x1), g.op("Sub", y2, y1));
        float[] classOffset = new float[ch];
        for (int h = 0; h < HYPOTHESES; h++) {
            for (int k = 0; k < CLASSES; k++) {
                classOffset[h * CLASSES + k] = (float) k * side * side;
            }
        }
        String offset = g.floats("class_table_offset", classOffset, 1, ch, 1, 1);
        String ownTable = g.reshape(integral(masks), (long) CLASSES * side * side);
        String anyTable = g.reshape(integral(reduceSum(masks, 1)), (long) side * side);
        String own = boxSums(ownTable, x1, y1, x2, y2, offset);
        String any = boxSums(anyTable, x1, y1, x2, y2, null);
        return new String[] {
            g.op("Mul", ind, g.op("Div", own, area)), g.op("Mul", ind, g.op("Div", any, area))
        };
    }

    /** [1, ch, C + 1, C + 1] summed-area table: entry (y, x) sums cells [0, y) x [0, x). */
    private String integral(String x) {
        String padded = g.op("Pad", x, g.int64s("pads", 0, 0, 1, 1, 0, 0, 0, 0), zero);
        String rows = g.op("CumSum", padded, g.int64s("axis", 2));
        return g.op("CumSum", rows, g.int64s("axis", 3));
    }

    /** Table sums over [x1, x2) x [y1, y2) per slot; {@code offset} picks each slot's table. */
    private String boxSums(
            String table, String x1, String y1, String x2, String y2, String offset) {
        String side = g.scalar(c + 1);
        String a = corner(table, y2, x2, side, offset);
        String b = corner(table, y1, x2, side, offset);
        String d = corner(table, y2, x1, side, offset);
        String e = corner(table, y1, x1, side, offset);
        return g.op("Add", g.op("Sub", g.op("Sub", a, b), d), e);
    }

    private String corner(String table, String y, String x, String side, String offset) {
        String index = g.op("Add", g.op("Mul", y, side), x);
        if (offset != null) {
            index = g.op("Add", index, offset);
        }
        return g.node(
                "Gather",
                new String[] {table, g.cast(index, TensorProto.DataType.INT64)},
                integer("axis", 0));
    }

    /** [1, HYPOTHESES * CLASSES, G, G] to [CLASSES, HYPOTHESES, G, G]. */
    private String byClass(String x) {
        int grid = layout.grid;
        return g.node(
                "Transpose",
                new String[] {g.reshape(x, HYPOTHESES, CLASSES, grid, grid)},
                ints("perm", 1, 0, 2, 3));
    }

    private String hyp(String x, int h) {
        return g.slice(x, 1, h, h + 1);
    }

    /** [1, ch, G, G]: the four cells around each anchor, pooled with {@code op}. */
    private String anchorPool(String x, String op) {
        String shifted =
                g.op(
                        "Slice",
                        x,
                        g.int64s("starts", 1, 1),
                        g.int64s("ends", c, c),
                        g.int64s("axes", 2, 3));
        int step = STRIDE / CELL;
        return g.node(
                op,
                new String[] {shifted},
                ints("kernel_shape", 2, 2),
                ints("strides", step, step));
    }

    /** [1, ch, C, C] (C - 1 along {@code axis}): 1 where the mask differs from the next cell. */
    private String changes(String masks, int axis) {
        return g.op("Abs", g.op("Sub", g.slice(masks, axis, 1, c), g.slice(masks, axis, 0, c - 1)));
    }

    /**
     * [1, CLASSES, C, C] (C - 1 along {@code axis}): 1 between two mask cells whose runs across
     * {@code axis} start or end more than {@link DetectorLayout#STEP_CELLS} cells (and {@link
     * DetectorLayout#STEP_RATIO} of the shorter run) apart: a step in the blob's outline.
     */
    private String steps(String masks, String start1, String endKey, int axis) {
        String length = g.op("Sub", g.op("Sub", g.scalar(c + 2), endKey), start1);
        String limit =
                g.op(
                        "Max",
                        g.op(
                                "Mul",
                                g.op(
                                        "Min",
                                        g.slice(length, axis, 0, c - 1),
                                        g.slice(length, axis, 1, c)),
                                g.scalar(STEP_RATIO)),
                        g.scalar(STEP_CELLS));
        String startJump =
                g.op(
                        "Abs",
                        g.op("Sub", g.slice(start1, axis, 0, c - 1), g.slice(start1, axis, 1, c)));
        String endJump =
                g.op(
                        "Abs",
                        g.op("Sub", g.slice(endKey, axis, 0, c - 1), g.slice(endKey, axis, 1, c)));
        String step =
                g.cast(
                        g.op(
                                "Or",
                                g.op("Greater", startJump, limit),
                                g.op("Greater", endJump, limit)),
                        TensorProto.DataType.FLOAT);
        String both = g.op("Mul", g.slice(masks, axis, 0, c - 1), g.slice(masks, axis, 1, c));
        return g.op("Mul", step, both);
    }

    /** [1, 1, C, C] (C - 1 along {@code axis}): 1 where the brightness jumps to the next cell. */
    private String edges(String brightness, int axis) {
        String a = g.slice(brightness, axis, 0, c - 1);
        String b = g.slice(brightness, axis, 1, c);
        String step =
                g.op(
                        "Sub",
                        g.op("Abs", g.op("Sub", a, b)),
                        g.op("Mul", g.op("Add", a, b), g.scalar(EDGE_RATIO)));
        return g.cast(g.op("Greater", step, zero), TensorProto.DataType.FLOAT);
    }

    /** (x + 1) where a run starts at x (x = 0, or a break between x - 1 and x), else 0. */
    private String startCodes(String breaks, int axis) {
        String before = pad(breaks, axis, 1, 0, 1);
        return g.op("Mul", before, coordinate(axis, 1, 1));
    }

    /** (C - x) where a run ends at x (x = C - 1, or a break between x and x + 1), else 0. */
    private String endCodes(String breaks, int axis) {
        String after = pad(breaks, axis, 0, 1, 1);
        return g.op("Mul", after, coordinate(axis, -1, c));
    }

    /** A [1, 1, C, 1] or [1, 1, 1, C] constant holding offset + sign * coordinate. */
    private String coordinate(int axis, int sign, int offset) {
        float[] v = new float[c];
        for (int i = 0; i < c; i++) {
            v[i] = offset + sign * i;
        }
        return axis == 3 ? g.floats("coord_x", v, 1, 1, 1, c) : g.floats("coord_y", v, 1, 1, c, 1);
    }

    private String pad(String x, int axis, int before, int after, float value) {
        long[] pads = new long[8];
        pads[axis] = before;
        pads[4 + axis] = after;
        return g.op("Pad", x, g.int64s("pads", pads), g.scalar(value));
    }

    /**
     * For each cell, the maximum of {@code values} over the run through it along {@code axis} (runs
     * given by their {@code start1} codes, increasing along the axis, and {@code endKey} codes,
     * decreasing): a branch-free segmented scan, keyed so that a running max cannot cross into an
     * earlier (forward) or later (backward) run.
     */
    private String spread(String values, String start1, String endKey, int axis) {
        String key = g.scalar(SCAN_KEY);
        String startKey = g.op("Mul", g.concat(1, start1, start1), key);
        String endKeys = g.op("Mul", g.concat(1, endKey, endKey), key);
        String forward =
                g.op("Sub", runningMax(g.op("Add", values, startKey), axis, true), startKey);
        String backward =
                g.op("Sub", runningMax(g.op("Add", values, endKeys), axis, false), endKeys);
        return g.op("Max", forward, backward);
    }

    /** Running maximum over the [1, ch, C, C] grid along {@code axis} (2 = y, 3 = x). */
    private String runningMax(String z, int axis, boolean forward) {
        return g.runningMax(z, axis, forward, c, SCAN_BLOCK, zero);
    }

    private String reduceSum(String x, long axis) {
        return g.node(
                "ReduceSum", new String[] {x, g.int64s("axes", axis)}, integer("keepdims", 1));
    }

    private String conv1x1(String x, float[] weights, float[] bias, int out, int in, int groups) {
        String y =
                g.node(
                        "Conv",
                        new String[] {
                            x,
                            g.floats("weight", weights, out, in, 1, 1),
                            g.floats("bias", bias, out)
                        },
                        ints("kernel_shape", 1, 1),
                        integer("group", groups));
        quantizable.add(nodeName(y));
        return y;
    }

    private String relu(String x) {
        String y = g.op("Relu", x);
        quantizable.add(nodeName(y));
        return y;
    }

    /** OnnxGraphBuilder names a node after its first output. */
    private static String nodeName(String output) {
        return output + "_node";
    }

    /** The {@code names} value as Ultralytics writes it: a Python dict literal. */
    static String namesLiteral() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < DetectorContract.CLASS_NAMES.size(); i++) {
            String name = DetectorContract.CLASS_NAMES.get(i);
            s.append(i == 0 ? "" : ", ").append(i).append(": '");
            s.append(name.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
        }
        return s.append('}').toString();
    }

    private void writeMetadata(Map<String, String> provenance) {
        int s = layout.inputSize;
        String version = ModelKitVersion.VERSION;
        g.metadata(
                "description",
                "edgetwin trained detector: robots, people and boxes in the simulated factory");
        g.metadata("author", "edgetwin");
        g.metadata("version", version);
        g.metadata("stride", Integer.toString(STRIDE));
        g.metadata("task", "detect");
        g.metadata("batch", "1");
        g.metadata("imgsz", "[" + s + ", " + s + "]");
        g.metadata("names", namesLiteral());
        provenance.forEach(g::metadata);
        // Everything else computes integer run codes up to 1024 x C that must stay exact in
        // float32: a quantizer should turn only these nodes into int8.
        g.metadata("edgetwin.quantizable_nodes", String.join(",", quantizable));
    }
}
