package dev.edgetwin.sim;

/** A static, axis-aligned shelf block standing on the floor. */
record Shelf(double x0, double y0, double x1, double y1, double height) {

    Shelf {
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

    double centreX() {
        return (x0 + x1) / 2;
    }

    double centreY() {
        return (y0 + y1) / 2;
    }
}
