package dev.edgetwin.sim;

import java.util.Objects;

/**
 * One object of the simulated factory at one instant: where it stands, how big it is and how it
 * moves. Positions are in the factory frame (metres, z up, origin at a floor corner), the object
 * stands on the floor (z = 0 at its base).
 *
 * <p>Robots and boxes are cuboids of {@code length} (along the object's heading) by {@code width}
 * by {@code height}; people are vertical cylinders, for which {@code length == width} is the
 * diameter.
 *
 * @param id stable for the lifetime of the scene; ids of a scene are {@code 0..n-1}
 * @param objectClass what it is, and so its shape and colour
 * @param x factory-frame x of the footprint centre, metres
 * @param y factory-frame y of the footprint centre, metres
 * @param yaw heading, radians counter-clockwise from the factory x axis
 * @param length extent along the heading, metres
 * @param width extent across the heading, metres
 * @param height extent up from the floor, metres
 * @param vx factory-frame velocity, metres per second
 * @param vy factory-frame velocity, metres per second
 */
public record SimObject(
        int id,
        ObjectClass objectClass,
        double x,
        double y,
        double yaw,
        double length,
        double width,
        double height,
        double vx,
        double vy) {

    public SimObject {
        if (id < 0) {
            throw new IllegalArgumentException("object id must be >= 0, got " + id);
        }
        Objects.requireNonNull(objectClass, "objectClass");
        requireFinite("x", x);
        requireFinite("y", y);
        requireFinite("yaw", yaw);
        requirePositive("length", length);
        requirePositive("width", width);
        requirePositive("height", height);
        requireFinite("vx", vx);
        requireFinite("vy", vy);
        if (objectClass == ObjectClass.PERSON && length != width) {
            throw new IllegalArgumentException(
                    "a person is a cylinder: length must equal width (the diameter), got length="
                            + length
                            + " width="
                            + width);
        }
    }

    /** Distance from the footprint centre to the farthest point of the footprint, metres. */
    public double footprintBoundingRadius() {
        return objectClass == ObjectClass.PERSON
                ? length / 2
                : Math.sqrt(length * length + width * width) / 2;
    }

    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("object " + name + " must be finite, got " + value);
        }
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(
                    "object " + name + " must be a positive number of metres, got " + value);
        }
    }
}
