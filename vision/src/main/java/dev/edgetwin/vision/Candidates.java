package dev.edgetwin.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scored boxes gathered from one output, already in source-image pixels, and the selection shared
 * by every layout: sort by score, optionally class-aware NMS, at most {@code maxDetections}. The
 * arrays are sized once for the output's anchor count and reused for every frame.
 *
 * <p>Rules every layout follows: a score counts only if {@code score >= confidenceThreshold} (so
 * NaN never does); a box whose mapped, clipped extent is empty or NaN is dropped before NMS (it
 * cannot suppress anything); a box is suppressed only by a kept box of the same class whose IoU
 * with it is strictly greater than the IoU threshold; equal scores keep the earlier anchor first.
 */
final class Candidates {
    private final List<String> classNames;
    private final int maxDetections;
    private final int[] classId;
    private final float[] score;
    private final float[] x1;
    private final float[] y1;
    private final float[] x2;
    private final float[] y2;
    private final long[] order;
    private final int[] kept;
    private int count;

    /**
     * @param classNames labels by class index; when empty, class {@code k} is labelled {@code
     *     "class" + k}
     */
    Candidates(int capacity, List<String> classNames, int maxDetections) {
        this.classNames = classNames;
        this.maxDetections = maxDetections;
        this.classId = new int[capacity];
        this.score = new float[capacity];
        this.x1 = new float[capacity];
        this.y1 = new float[capacity];
        this.x2 = new float[capacity];
        this.y2 = new float[capacity];
        this.order = new long[capacity];
        this.kept = new int[Math.min(capacity, maxDetections)];
    }

    static void checkSettings(float confidenceThreshold, float iouThreshold, int maxDetections) {
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
    }

    static void checkLength(java.nio.FloatBuffer output, DetectionDecoder decoder) {
        if (output.limit() != decoder.expectedLength()) {
            throw new IllegalArgumentException(
                    "expected a "
                            + decoder.layout()
                            + " output of "
                            + decoder.expectedLength()
                            + " floats ("
                            + Arrays.toString(decoder.outputShape())
                            + "), got "
                            + output.limit());
        }
    }

    void clear() {
        count = 0;
    }

    /**
     * Adds a box given in model-input pixels with a score already known to pass the threshold; maps
     * it to the source image, clips it there and drops it if nothing is left.
     */
    void add(
            int cls,
            float s,
            float inX1,
            float inY1,
            float inX2,
            float inY2,
            LetterboxTransform transform) {
        float sx1 = (float) transform.toSourceX(inX1);
        float sy1 = (float) transform.toSourceY(inY1);
        float sx2 = (float) transform.toSourceX(inX2);
        float sy2 = (float) transform.toSourceY(inY2);
        if (!(sx2 > sx1 && sy2 > sy1)) {
            return; // zero area, inside the padding, or NaN
        }
        int i = count++;
        classId[i] = cls;
        score[i] = s;
        x1[i] = sx1;
        y1[i] = sy1;
        x2[i] = sx2;
        y2[i] = sy2;
    }

    /** Class-aware greedy NMS over the candidates, best score first. */
    List<Detection> suppress(float iouThreshold) {
        sortByScore();
        int keptCount = 0;
        for (int k = count - 1; k >= 0 && keptCount < maxDetections; k--) {
            int i = indexAt(k);
            boolean suppressed = false;
            for (int j = 0; j < keptCount; j++) {
                int o = kept[j];
                if (classId[o] == classId[i]
                        && Boxes.iou(x1[i], y1[i], x2[i], y2[i], x1[o], y1[o], x2[o], y2[o])
                                > iouThreshold) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept[keptCount++] = i;
            }
        }
        return detections(keptCount);
    }

    /** The best-scoring candidates, no suppression (the model did its own NMS). */
    List<Detection> best() {
        sortByScore();
        int keptCount = 0;
        for (int k = count - 1; k >= 0 && keptCount < maxDetections; k--) {
            kept[keptCount++] = indexAt(k);
        }
        return detections(keptCount);
    }

    // Scores are > 0 here, so their IEEE bits sort like the values; the low word makes equal
    // scores come out in anchor order when read from the end. No boxing, no comparator.
    private void sortByScore() {
        for (int i = 0; i < count; i++) {
            order[i] =
                    ((long) Float.floatToIntBits(score[i]) << 32)
                            | (Integer.MAX_VALUE - i & 0xFFFFFFFFL);
        }
        Arrays.sort(order, 0, count);
    }

    private int indexAt(int k) {
        return Integer.MAX_VALUE - (int) order[k];
    }

    private List<Detection> detections(int keptCount) {
        List<Detection> out = new ArrayList<>(keptCount);
        for (int j = 0; j < keptCount; j++) {
            int i = kept[j];
            out.add(
                    new Detection(
                            classId[i], label(classId[i]), score[i], x1[i], y1[i], x2[i], y2[i]));
        }
        return out;
    }

    private String label(int cls) {
        return classNames.isEmpty() ? "class" + cls : classNames.get(cls);
    }
}
