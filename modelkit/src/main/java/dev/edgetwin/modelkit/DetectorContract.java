package dev.edgetwin.modelkit;

import dev.edgetwin.sim.ObjectClass;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What every edgetwin detector model looks like from outside, generated or trained: the same
 * tensors and metadata as an Ultralytics YOLOv8 detection export, so one decoder serves both.
 *
 * <p>Input {@value #INPUT_NAME}: float32 [1, 3, {@value #INPUT_SIZE}, {@value #INPUT_SIZE}], RGB in
 * [0, 1], letterboxed with grey 114. Output {@value #OUTPUT_NAME}: float32 [1, 4 + classes,
 * anchors], per anchor cx, cy, w, h in input pixels then one score in [0, 1] per class; anchors on
 * a stride-{@value #STRIDE} grid, row-major, centres at ((j + 0.5) * stride, (i + 0.5) * stride).
 * No NMS inside the model.
 */
public final class DetectorContract {
    public static final String INPUT_NAME = "images";
    public static final String OUTPUT_NAME = "output0";

    /** Input width and height in pixels. */
    public static final int INPUT_SIZE = 320;

    public static final int STRIDE = 8;

    /** Anchors per side of the grid. */
    public static final int GRID = INPUT_SIZE / STRIDE;

    public static final int ANCHORS = GRID * GRID;

    /** The ONNX opset and IR version the models are written for (ONNX 1.12 level). */
    public static final long OPSET = 17;

    public static final long IR_VERSION = 8;

    /** Class names in class-id order: output channel 4 + i scores {@code CLASS_NAMES.get(i)}. */
    public static final List<String> CLASS_NAMES =
            Arrays.stream(ObjectClass.values())
                    .sorted(Comparator.comparingInt(ObjectClass::id))
                    .map(ObjectClass::label)
                    .toList();

    private DetectorContract() {}

    /** The {@code names} metadata value, as Ultralytics writes it: a Python dict literal. */
    static String namesLiteral() {
        StringBuilder s = new StringBuilder("{");
        for (int i = 0; i < CLASS_NAMES.size(); i++) {
            if (i > 0) {
                s.append(", ");
            }
            s.append(i).append(": '");
            s.append(CLASS_NAMES.get(i).replace("\\", "\\\\").replace("'", "\\'"));
            s.append('\'');
        }
        return s.append('}').toString();
    }
}
