package dev.edgetwin.modelkit;

import dev.edgetwin.vision.Boxes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A deliberately plain YOLOv8 head decoder for tests, independent of the vision module's: best
 * class per anchor, score threshold, class-aware greedy NMS.
 */
final class Detections {
    static final float SCORE_THRESHOLD = 0.5f;
    static final float NMS_IOU = 0.5f;

    /** A box in model-input pixels. */
    record Box(int classId, float score, float x1, float y1, float x2, float y2) {
        float iou(Box o) {
            return Detections.iou(x1, y1, x2, y2, o.x1, o.y1, o.x2, o.y2);
        }

        @Override
        public String toString() {
            return String.format(
                    "%s %.2f [%.1f, %.1f, %.1f, %.1f]",
                    DetectorContract.CLASS_NAMES.get(classId), score, x1, y1, x2, y2);
        }
    }

    private Detections() {}

    static List<Box> decode(float[] output) {
        int classes = DetectorContract.CLASS_NAMES.size();
        int n = DetectorContract.ANCHORS;
        if (output.length != (4 + classes) * n) {
            throw new IllegalArgumentException("unexpected output size " + output.length);
        }
        List<Box> candidates = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (output[(4 + c) * n + a] > output[(4 + best) * n + a]) {
                    best = c;
                }
            }
            float score = output[(4 + best) * n + a];
            if (score < SCORE_THRESHOLD) {
                continue;
            }
            float cx = output[a];
            float cy = output[n + a];
            float w = output[2 * n + a];
            float h = output[3 * n + a];
            candidates.add(new Box(best, score, cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
        }
        candidates.sort(Comparator.comparing(Box::score).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box b : candidates) {
            if (kept.stream().noneMatch(k -> k.classId() == b.classId() && k.iou(b) > NMS_IOU)) {
                kept.add(b);
            }
        }
        return kept;
    }

    static float iou(
            float ax1,
            float ay1,
            float ax2,
            float ay2,
            float bx1,
            float by1,
            float bx2,
            float by2) {
        return Boxes.iou(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2);
    }
}
