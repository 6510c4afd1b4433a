package dev.edgetwin.modelkit.training;

import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.LetterboxPreprocessor;
import dev.edgetwin.vision.LetterboxTransform;

/**
 * The fixed shape of the trained detector for one input size: cells, anchors, output slots, and the
 * constants both the Java forward pass ({@link FeatureStack}) and the ONNX graph ({@link
 * DetectorGraph}) use. Immutable.
 *
 * <p>Geometry, for input size {@code S} (320, 416 or 640): cells are {@value #CELL}x{@value #CELL}
 * input pixels, {@code C = S / 2} per side; anchors sit on a stride-{@value #STRIDE} grid, {@code G
 * = S / 8} per side, anchor {@code (i, j)} at input point {@code ((j + 0.5) 8, (i + 0.5) 8)}, the
 * corner shared by cells {@code 4j + 1, 4j + 2} and rows {@code 4i + 1, 4i + 2}. Every anchor
 * offers one box per hypothesis and class: output slot {@code (h * classes + c) * G * G + i * G +
 * j}.
 */
final class DetectorLayout {
    /** Input pixels per cell side: the first layer is a 2x2 average pool. */
    static final int CELL = 2;

    /** Input pixels between anchors. */
    static final int STRIDE = 8;

    /**
     * Box hypotheses per anchor and class: whole same-class blobs; blobs cut at brightness edges;
     * blobs cut at brightness edges and at steps in their outline.
     */
    static final int HYPOTHESES = 3;

    static final int CLASSES = ObjectClass.values().length;

    /** Channels of the two fixed stem layers. */
    static final int STEM1 = 32;

    static final int STEM2 = 32;

    /** Stem input channels: grey-world chromaticity r, g, b and brightness. */
    static final int STEM_IN = 4;

    /** Per-anchor, per-class descriptor channels the score head reads (see FeatureStack). */
    static final int DESCRIPTOR = 15 * HYPOTHESES - 1;

    /** Descriptor channel where the cross-hypothesis ratios start. */
    static final int DESCRIPTOR_RATIOS = 8 * HYPOTHESES;

    /** Descriptor channel of the anchor row. */
    static final int DESCRIPTOR_ROW = DESCRIPTOR_RATIOS + 2 * (HYPOTHESES - 1);

    /** Descriptor channel where the per-hypothesis shape ratios start. */
    static final int DESCRIPTOR_SHAPE = DESCRIPTOR_ROW + 1;

    /** Descriptor channel where the per-hypothesis fill ratios start. */
    static final int DESCRIPTOR_FILL = DESCRIPTOR_SHAPE + 3 * HYPOTHESES;

    /** Random ReLU features of the descriptor. */
    static final int RANDOM_FEATURES = 128;

    /** Score-head inputs: descriptor, random features, constant 1. */
    static final int SCORE_INPUTS = DESCRIPTOR + RANDOM_FEATURES + 1;

    /** Added to the grey-world channel sum before dividing, so black stays finite. */
    static final float BRIGHTNESS_EPSILON = 0.05f;

    /** A brightness step between neighbouring cells above this share of their sum is an edge. */
    static final float EDGE_RATIO = 0.08f;

    /**
     * Neighbouring columns (rows) of a blob whose runs start or end more than this many cells
     * apart, and more than {@link #STEP_RATIO} of the shorter run, belong to different objects.
     */
    static final float STEP_CELLS = 2;

    static final float STEP_RATIO = 0.1f;

    /** A class score above this (and the cell's best) puts a cell in the class mask. */
    static final float MASK_THRESHOLD = 0.5f;

    /** Output score = sigmoid(GAIN (predicted IoU - CENTRE)). */
    static final float SCORE_GAIN = 10f;

    static final float SCORE_CENTRE = 0.5f;

    /** Descriptor ratios are capped at this. */
    static final float RATIO_CAP = 10f;

    /** Lowest "height below the horizon" a ratio divides by, as a share of the input size. */
    static final float MIN_BELOW_HORIZON = 0.01f;

    /** Key multiplier of segmented scans; above any cell coordinate + 1. */
    static final float SCAN_KEY = 1024f;

    /** Cells per block of the two-level running max. */
    static final int SCAN_BLOCK = 8;

    final int inputSize;
    final int cells;
    final int grid;
    final int anchors;
    final int slots;

    /** Horizon row of the default camera in input pixels, divided by the input size. */
    final float horizon;

    DetectorLayout(int inputSize) {
        if (inputSize != 320 && inputSize != 416 && inputSize != 640) {
            throw new IllegalArgumentException(
                    "input size must be 320, 416 or 640, got " + inputSize);
        }
        this.inputSize = inputSize;
        this.cells = inputSize / CELL;
        this.grid = inputSize / STRIDE;
        this.anchors = grid * grid;
        this.slots = HYPOTHESES * CLASSES * anchors;
        // Where the default camera's 640x480 frames sit in the input.
        LetterboxTransform letterbox = defaultLetterbox(inputSize);
        this.horizon = (float) (horizonRow() * letterbox.scaleY() + letterbox.padY()) / inputSize;
    }

    /** Anchor x (or y) in input pixels for column (or row) {@code j}. */
    float anchorCentre(int j) {
        return (j + 0.5f) * STRIDE;
    }

    /** The first of the two cells left of (above) anchor column (row) {@code j}'s centre. */
    int anchorCell(int j) {
        return (STRIDE / CELL) * j + 1;
    }

    private static LetterboxTransform defaultLetterbox(int inputSize) {
        var pre = new LetterboxPreprocessor(inputSize, inputSize);
        byte[] black = new byte[3 * SimulatedCamera.DEFAULT_WIDTH * SimulatedCamera.DEFAULT_HEIGHT];
        return pre.prepare(
                new dev.edgetwin.vision.Frame(
                        "layout",
                        0,
                        SimulatedCamera.DEFAULT_WIDTH,
                        SimulatedCamera.DEFAULT_HEIGHT,
                        black));
    }

    /** Image row of the floor's horizon for the robot's default camera. */
    private static double horizonRow() {
        CameraModel camera = SimulatedCamera.defaultCameraModel();
        double[] uv = new double[2];
        // A point far ahead at the camera's own height projects onto the horizon.
        if (!camera.project(1e6, 0, camera.mount().z(), uv)) {
            throw new IllegalStateException("the default camera cannot see ahead");
        }
        return uv[1];
    }
}
