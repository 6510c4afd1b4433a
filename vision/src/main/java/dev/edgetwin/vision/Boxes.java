package dev.edgetwin.vision;

/** Axis-aligned box arithmetic shared by decoding and evaluation. */
public final class Boxes {
    private Boxes() {}

    /** Intersection over union of [ax1, ax2) x [ay1, ay2) and [bx1, bx2) x [by1, by2). */
    public static float iou(
            float ax1,
            float ay1,
            float ax2,
            float ay2,
            float bx1,
            float by1,
            float bx2,
            float by2) {
        float iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
        float ih = Math.min(ay2, by2) - Math.max(ay1, by1);
        if (iw <= 0 || ih <= 0) {
            return 0f;
        }
        float inter = iw * ih;
        float union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
        return union <= 0 ? 0f : inter / union;
    }
}
