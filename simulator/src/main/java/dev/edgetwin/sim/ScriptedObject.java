package dev.edgetwin.sim;

import java.util.List;
import java.util.Objects;

/**
 * An object of a {@link FactoryScene#scripted scripted scene}: its shape and a timed path, straight
 * lines at constant speed between waypoints; it stands at the first waypoint before that one's time
 * and at the last after it. Validated when built.
 *
 * @param objectClass what it is
 * @param length extent along its heading, metres (a person's diameter)
 * @param width extent across its heading, metres (a person's diameter)
 * @param height metres
 * @param yaw its heading while it does not face its travel, radians
 * @param facesTravel whether it turns to face each leg (people, robots) or keeps {@code yaw} (a
 *     sliding box)
 * @param path at least one waypoint, times strictly increasing
 */
public record ScriptedObject(
        ObjectClass objectClass,
        double length,
        double width,
        double height,
        double yaw,
        boolean facesTravel,
        List<Waypoint> path) {

    /** Where the object is at scene time {@code t} seconds. */
    public record Waypoint(double t, double x, double y) {
        public Waypoint {
            if (!Double.isFinite(t) || !Double.isFinite(x) || !Double.isFinite(y)) {
                throw new IllegalArgumentException(
                        "waypoint must be finite, got t=" + t + " x=" + x + " y=" + y);
            }
        }
    }

    public ScriptedObject {
        Objects.requireNonNull(objectClass, "objectClass");
        path = List.copyOf(Objects.requireNonNull(path, "path"));
        if (!(length > 0)
                || !(width > 0)
                || !(height > 0)
                || !Double.isFinite(length + width + height)) {
            throw new IllegalArgumentException(
                    "scripted "
                            + objectClass.label()
                            + ": length, width and height must be positive, got "
                            + length
                            + " x "
                            + width
                            + " x "
                            + height);
        }
        if (!Double.isFinite(yaw)) {
            throw new IllegalArgumentException("scripted object yaw must be finite, got " + yaw);
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException(
                    "scripted " + objectClass.label() + ": path needs at least one waypoint");
        }
        for (int i = 1; i < path.size(); i++) {
            if (!(path.get(i).t() > path.get(i - 1).t())) {
                throw new IllegalArgumentException(
                        "scripted "
                                + objectClass.label()
                                + ": waypoint times must increase, got "
                                + path.get(i - 1).t()
                                + " then "
                                + path.get(i).t());
            }
        }
    }

    /** A person (a cylinder of {@code diameter}) walking {@code path}, facing where it walks. */
    public static ScriptedObject person(double diameter, double height, List<Waypoint> path) {
        return new ScriptedObject(ObjectClass.PERSON, diameter, diameter, height, 0, true, path);
    }

    /** A robot (a cuboid) driving {@code path}, facing where it drives. */
    public static ScriptedObject robot(
            double length, double width, double height, double yaw, List<Waypoint> path) {
        return new ScriptedObject(ObjectClass.ROBOT, length, width, height, yaw, true, path);
    }

    /** A box (a cuboid) at a fixed yaw, moved along {@code path} (sliding, falling). */
    public static ScriptedObject box(
            double length, double width, double height, double yaw, List<Waypoint> path) {
        return new ScriptedObject(ObjectClass.BOX, length, width, height, yaw, false, path);
    }

    Trajectory trajectory() {
        int n = path.size();
        double[] t = new double[n];
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            t[i] = path.get(i).t();
            x[i] = path.get(i).x();
            y[i] = path.get(i).y();
        }
        return new Trajectory.Waypoints(t, x, y, yaw, facesTravel);
    }

    @Override
    public String toString() {
        return "ScriptedObject["
                + objectClass.label()
                + ", "
                + length
                + " x "
                + width
                + " x "
                + height
                + ", "
                + path.size()
                + " waypoints]";
    }
}
