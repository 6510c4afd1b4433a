package dev.edgetwin.vision;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the YOLOv8/YOLO11 detection head, output [1, 4 + C, N]: for each of N anchors the box
 * centre, width and height in model-input pixels, then C class scores already in [0, 1]. Keeps each
 * anchor's best class above the confidence threshold, applies class-aware non-maximum suppression
 * and maps boxes back to the source image.
 *
 * <p>Not thread-safe (reuses candidate arrays): one instance per inference thread.
 */
public final class YoloV8Decoder {
    private final List<String> classNames;
    private final int anchors;
    private final float confidenceThreshold;
    private final float iouThreshold;
    private final int maxDetections;

    private final int[] candidateAnchor;
    private final int[] candidateClass;
    private final float[] candidateScore;

    /**
     * @param classNames class names in index order; their count C fixes the output shape
     * @param anchors N, the number of anchors in the output
     */
    public YoloV8Decoder(
            List<String> classNames,
            int anchors,
            float confidenceThreshold,
            float iouThreshold,
            int maxDetections) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a detector needs at least one class name");
        }
        if (anchors <= 0) {
            throw new IllegalArgumentException("anchor count must be positive, got " + anchors);
        }
        if (!(confidenceThreshold > 0 && confidenceThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "confidence threshold must be in (0, 1], got " + confidenceThreshold);
        }
        if (!(iouThreshold > 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException(
                    "NMS IoU threshold must be in (0, 1], got " + iouThreshold);
        }
        if (maxDetections <= 0) {
            throw new IllegalArgumentException(
                    "maximum detections must be positive, got " + maxDetections);
        }
        this.classNames = List.copyOf(classNames);
        this.anchors = anchors;
        this.confidenceThreshold = confidenceThreshold;
        this.iouThreshold = iouThreshold;
        this.maxDetections = maxDetections;
        this.candidateAnchor = new int[anchors];
        this.candidateClass = new int[anchors];
        this.candidateScore = new float[anchors];
    }

    /** The output element count this decoder expects: (4 + C) * N. */
    public int expectedLength() {
        return (4 + classNames.size()) * anchors;
    }

    /**
     * @param output the head's output, channel-major as ONNX Runtime lays out [1, 4 + C, N]
     */
    public List<Detection> decode(FloatBuffer output, LetterboxTransform transform) {
        if (output.limit() != expectedLength()) {
            throw new IllegalArgumentException(
                    "expected a YOLOv8 output of "
                            + expectedLength()
                            + " floats ([1, "
                            + (4 + classNames.size())
                            + ", "
                            + anchors
                            + "]), got "
                            + output.limit());
        }
        int classes = classNames.size();
        int count = 0;
        for (int n = 0; n < anchors; n++) {
            int best = -1;
            float bestScore = confidenceThreshold;
            for (int c = 0; c < classes; c++) {
                float s = output.get((4 + c) * anchors + n);
                if (s >= bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            if (best >= 0) {
                candidateAnchor[count] = n;
                candidateClass[count] = best;
                candidateScore[count] = bestScore;
                count++;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(candidateScore[b], candidateScore[a]));

        List<Detection> kept = new ArrayList<>();
        for (int k = 0; k < count && kept.size() < maxDetections; k++) {
            int i = order[k];
            int n = candidateAnchor[i];
            float cx = output.get(n);
            float cy = output.get(anchors + n);
            float w = output.get(2 * anchors + n);
            float h = output.get(3 * anchors + n);
            if (!(w > 0) || !(h > 0)) {
                continue;
            }
            float x1 = (float) transform.toSourceX(cx - w / 2);
            float y1 = (float) transform.toSourceY(cy - h / 2);
            float x2 = (float) transform.toSourceX(cx + w / 2);
            float y2 = (float) transform.toSourceY(cy + h / 2);
            if (x2 <= x1 || y2 <= y1) {
                continue;
            }
            int cls = candidateClass[i];
            boolean suppressed = false;
            for (Detection d : kept) {
                if (d.classId() == cls
                        && Boxes.iou(x1, y1, x2, y2, d.x1(), d.y1(), d.x2(), d.y2())
                                > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(
                        new Detection(cls, classNames.get(cls), candidateScore[i], x1, y1, x2, y2));
            }
        }
        return kept;
    }
}
