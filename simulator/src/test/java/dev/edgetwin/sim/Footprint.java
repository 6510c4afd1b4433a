package dev.edgetwin.sim;

/** A floor footprint (oriented rectangle or circle) for collision checks in tests. */
record Footprint(
        double x, double y, double yaw, double halfLength, double halfWidth, boolean round) {

    static Footprint rectangle(double x, double y, double yaw, double length, double width) {
        return new Footprint(x, y, yaw, length / 2, width / 2, false);
    }

    static Footprint circle(double x, double y, double radius) {
        return new Footprint(x, y, 0, radius, radius, true);
    }

    static Footprint of(SimObject o) {
        return o.objectClass() == ObjectClass.PERSON
                ? circle(o.x(), o.y(), o.length() / 2)
                : rectangle(o.x(), o.y(), o.yaw(), o.length(), o.width());
    }

    static Footprint of(Shelf s) {
        return rectangle(s.centreX(), s.centreY(), 0, s.x1() - s.x0(), s.y1() - s.y0());
    }

    Footprint grown(double margin) {
        return new Footprint(x, y, yaw, halfLength + margin, halfWidth + margin, round);
    }

    boolean insideHall() {
        double reach = round ? halfLength : Math.hypot(halfLength, halfWidth);
        return x - reach >= 0
                && y - reach >= 0
                && x + reach <= FactoryScene.HALL_LENGTH
                && y + reach <= FactoryScene.HALL_WIDTH;
    }

    boolean overlaps(Footprint other) {
        double reach =
                Math.hypot(halfLength, halfWidth) + Math.hypot(other.halfLength, other.halfWidth);
        if (Math.abs(x - other.x) >= reach || Math.abs(y - other.y) >= reach) {
            return false;
        }
        if (round && other.round) {
            return Math.hypot(x - other.x, y - other.y) < halfLength + other.halfLength;
        }
        if (round) {
            return other.overlaps(this);
        }
        if (other.round) {
            // Nearest point of this rectangle to the circle's centre, in this rectangle's frame.
            double c = Math.cos(yaw);
            double s = Math.sin(yaw);
            double dx = other.x - x;
            double dy = other.y - y;
            double lx = c * dx + s * dy;
            double ly = -s * dx + c * dy;
            double nx = Math.max(-halfLength, Math.min(halfLength, lx));
            double ny = Math.max(-halfWidth, Math.min(halfWidth, ly));
            return Math.hypot(lx - nx, ly - ny) < other.halfLength;
        }
        // Separating axis test over both rectangles' axes.
        double[] axes = {yaw, yaw + Math.PI / 2, other.yaw, other.yaw + Math.PI / 2};
        for (double a : axes) {
            double ax = Math.cos(a);
            double ay = Math.sin(a);
            double distance = Math.abs((other.x - x) * ax + (other.y - y) * ay);
            if (distance >= radiusAlong(ax, ay) + other.radiusAlong(ax, ay)) {
                return false;
            }
        }
        return true;
    }

    private double radiusAlong(double ax, double ay) {
        double c = Math.cos(yaw);
        double s = Math.sin(yaw);
        return halfLength * Math.abs(c * ax + s * ay) + halfWidth * Math.abs(-s * ax + c * ay);
    }
}
