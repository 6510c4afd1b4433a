package dev.edgetwin.vision;

/**
 * One detected object in source-image pixels: the box spans [x1, x2) x [y1, y2).
 *
 * @param classId the model's class index
 * @param label the class name from the model's metadata
 * @param confidence class score in [0, 1]
 */
public record Detection(
        int classId, String label, float confidence, float x1, float y1, float x2, float y2) {

    public Detection {
        if (classId < 0) {
            throw new IllegalArgumentException("classId must be >= 0, got " + classId);
        }
        if (!(x2 >= x1) || !(y2 >= y1)) {
            throw new IllegalArgumentException(
                    "box must have x2 >= x1 and y2 >= y1, got ["
                            + x1
                            + ", "
                            + y1
                            + ", "
                            + x2
                            + ", "
                            + y2
                            + "]");
        }
    }

    public float width() {
        return x2 - x1;
    }

    public float height() {
        return y2 - y1;
    }

    public float centerX() {
        return (x1 + x2) / 2;
    }

    /** Intersection over union with another box. */
    public float iou(Detection other) {
        return Boxes.iou(x1, y1, x2, y2, other.x1, other.y1, other.x2, other.y2);
    }
}
