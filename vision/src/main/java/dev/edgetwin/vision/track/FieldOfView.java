package dev.edgetwin.vision.track;

/**
 * Which part of the floor an update's cameras looked at. A track outside it was not missed by the
 * update, only not looked for: with several cameras whose frames arrive at different times, an
 * object only one camera sees must not be lost at every frame of the others.
 */
@FunctionalInterface
public interface FieldOfView {
    /** Everything: every unmatched track was missed (one camera that sees the whole scene). */
    FieldOfView EVERYWHERE = (x, y) -> true;

    /** Whether the update's cameras could have seen an object at factory-frame {@code (x, y)}. */
    boolean covers(double x, double y);
}
