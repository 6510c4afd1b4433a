package dev.edgetwin.sim;

/**
 * A static, axis-aligned shelf block standing on the floor: x from {@code x0} to {@code x1}, y from
 * {@code y0} to {@code y1} (factory frame, metres), {@code height} tall. Validated when built.
 */
public record Shelf(double x0, double y0, double x1, double y1, double height) {

    public Shelf {
        if (!(x1 > x0) || !(y1 > y0) || !(height > 0)) {
            throw new IllegalArgumentException(
                    "shelf needs x0 < x1, y0 < y1, height > 0, got x0="
                            + x0
                            + " y0="
                            + y0
                            + " x1="
                            + x1
                            + " y1="
                            + y1
                            + " height="
                            + height);
        }
    }

    /** Whether the floor point {@code (x, y)} is inside the block's footprint. */
    public boolean contains(double x, double y) {
        return x >= x0 && x <= x1 && y >= y0 && y <= y1;
    }

    double centreX() {
        return (x0 + x1) / 2;
    }

    double centreY() {
        return (y0 + y1) / 2;
    }
}
