package dev.edgetwin.vision;

/**
 * The detection output layouts {@link OnnxDetector} decodes. C is the number of classes, N the
 * number of anchors (or rows); all coordinates are in model-input pixels.
 */
public enum OutputLayout {
    /**
     * Recognise the layout from the output shape and the Ultralytics metadata ({@code names},
     * {@code end2end}); opening fails with {@link DetectorException.Code#UNSUPPORTED_LAYOUT} when
     * no layout or more than one fits.
     */
    AUTO("recognised from the output shape and metadata"),
    /** YOLOv8/YOLO11 head {@code [1, 4+C, N]}: cx, cy, w, h, then C class scores; NMS applied. */
    YOLOV8("[1, 4+C, N] (YOLOv8/YOLO11: cx, cy, w, h, C class scores)"),
    /**
     * YOLOv5 head {@code [1, N, 5+C]}: cx, cy, w, h, objectness, then C class scores; score =
     * objectness * class score; NMS applied.
     */
    YOLOV5("[1, N, 5+C] (YOLOv5: cx, cy, w, h, objectness, C class scores)"),
    /**
     * End-to-end output with NMS inside the model {@code [1, N, 6]}: x1, y1, x2, y2, score, class
     * (YOLOv10, or Ultralytics exports with nms=True); no NMS applied here.
     */
    END_TO_END("[1, N, 6] (end-to-end, NMS in the model: x1, y1, x2, y2, score, class)");

    private final String shape;

    OutputLayout(String shape) {
        this.shape = shape;
    }

    /** The tensor shape and contents this layout stands for, for messages. */
    public String describe() {
        return name() + " " + shape;
    }

    /** The concrete layouts, as a message lists them. */
    static String supported() {
        return YOLOV8.describe() + ", " + YOLOV5.describe() + ", " + END_TO_END.describe();
    }
}
