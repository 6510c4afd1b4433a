package dev.edgetwin.sim;

/**
 * A white, axis-aligned paint strip on the floor; dashed along its longer side when {@code
 * dashPeriod > 0} (painted for the first {@code dashLength} metres of every period).
 */
record FloorMarking(
        double x0, double y0, double x1, double y1, double dashPeriod, double dashLength) {

    FloorMarking {
        if (!(x1 > x0) || !(y1 > y0) || dashPeriod < 0 || dashLength < 0) {
            throw new IllegalArgumentException(
                    "floor marking needs x0 < x1, y0 < y1 and non-negative dashes, got x0="
                            + x0
                            + " y0="
                            + y0
                            + " x1="
                            + x1
                            + " y1="
                            + y1
                            + " dashPeriod="
                            + dashPeriod
                            + " dashLength="
                            + dashLength);
        }
    }

    static FloorMarking solid(double x0, double y0, double x1, double y1) {
        return new FloorMarking(x0, y0, x1, y1, 0, 0);
    }

    boolean contains(double x, double y) {
        if (x < x0 || x >= x1 || y < y0 || y >= y1) {
            return false;
        }
        if (dashPeriod == 0) {
            return true;
        }
        double along = (x1 - x0) >= (y1 - y0) ? x - x0 : y - y0;
        return along - dashPeriod * Math.floor(along / dashPeriod) < dashLength;
    }
}
