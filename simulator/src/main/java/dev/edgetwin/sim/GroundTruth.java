package dev.edgetwin.sim;

import java.util.Objects;

/**
 * What a perfect detector would report for one object that has at least one visible pixel in a
 * rendered frame.
 *
 * <p>Image coordinates: pixel {@code (i, j)} covers the continuous square {@code [i, i+1) x [j,
 * j+1)}, so the box {@code x1 <= u < x2, y1 <= v < y2} holds every visible pixel and nothing
 * outside their extent; this is the convention {@link dev.edgetwin.vision.CameraModel#project} uses
 * (principal point at {@code width/2}).
 *
 * @param objectId the {@link SimObject#id()} it belongs to
 * @param objectClass its class
 * @param factoryX factory-frame x of the footprint centre, metres
 * @param factoryY factory-frame y of the footprint centre, metres
 * @param robotX ego-robot-frame x (forward) of the footprint centre, metres
 * @param robotY ego-robot-frame y (left) of the footprint centre, metres
 * @param x1 leftmost visible pixel column
 * @param y1 topmost visible pixel row
 * @param x2 one past the rightmost visible pixel column
 * @param y2 one past the bottom visible pixel row
 * @param visiblePixels pixels where this object is the nearest surface
 * @param silhouettePixels pixels the object would cover if nothing else were in the scene (within
 *     the image)
 * @param truncated whether that silhouette reaches the image border, i.e. part of the object is
 *     probably outside the image
 * @param contactU image u of the footprint centre projected onto the floor (z = 0); it may lie
 *     outside the image or behind visible parts of the object; NaN when that point is behind the
 *     camera
 * @param contactV image v of the same point, NaN exactly when {@code contactU} is
 */
public record GroundTruth(
        int objectId,
        ObjectClass objectClass,
        double factoryX,
        double factoryY,
        double robotX,
        double robotY,
        int x1,
        int y1,
        int x2,
        int y2,
        int visiblePixels,
        int silhouettePixels,
        boolean truncated,
        double contactU,
        double contactV) {

    public GroundTruth {
        if (objectId < 0) {
            throw new IllegalArgumentException("objectId must be >= 0, got " + objectId);
        }
        Objects.requireNonNull(objectClass, "objectClass");
        requireFinite("factoryX", factoryX);
        requireFinite("factoryY", factoryY);
        requireFinite("robotX", robotX);
        requireFinite("robotY", robotY);
        if (x1 < 0 || y1 < 0 || x2 <= x1 || y2 <= y1) {
            throw new IllegalArgumentException(
                    "visible box must satisfy 0 <= x1 < x2 and 0 <= y1 < y2, got x1="
                            + x1
                            + " y1="
                            + y1
                            + " x2="
                            + x2
                            + " y2="
                            + y2);
        }
        long boxArea = (long) (x2 - x1) * (y2 - y1);
        if (visiblePixels < 1 || visiblePixels > boxArea) {
            throw new IllegalArgumentException(
                    "visiblePixels must be in [1, box area " + boxArea + "], got " + visiblePixels);
        }
        if (silhouettePixels < visiblePixels) {
            throw new IllegalArgumentException(
                    "silhouettePixels must be >= visiblePixels ("
                            + visiblePixels
                            + "), got "
                            + silhouettePixels);
        }
        if (Double.isNaN(contactU) != Double.isNaN(contactV)
                || Double.isInfinite(contactU)
                || Double.isInfinite(contactV)) {
            throw new IllegalArgumentException(
                    "contact point must be finite, or NaN in both coordinates, got contactU="
                            + contactU
                            + " contactV="
                            + contactV);
        }
    }

    /** Visible share of the unoccluded in-image silhouette, in (0, 1]: 1 means not occluded. */
    public double visibleFraction() {
        return (double) visiblePixels / silhouettePixels;
    }

    /** Whether the contact point is in front of the camera (it may still be outside the image). */
    public boolean hasContactPoint() {
        return !Double.isNaN(contactU);
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be finite, got " + value);
        }
    }
}
