package dev.edgetwin.runtime.twin;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command sent to the robot on its command topic (docs/twin-protocol.md, "Commands"), validated:
 * {@link CommandParser} builds these from the wire; every instance is well-formed.
 */
public sealed interface RobotCommand {
    /** What the sender's {@code id} must look like: echoed in the response to correlate. */
    Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");

    /** Largest |x| or |y| of a goal, metres: a factory floor, not a typo. */
    double MAX_COORDINATE = 10_000;

    /** The sender's id for this command, echoed in the response. */
    String id();

    /** The command's name on the wire: {@code goal}, {@code stop} or {@code rebirth}. */
    String name();

    /**
     * Navigate to a pose on the factory floor.
     *
     * @param x metres, factory frame, |x| at most {@link #MAX_COORDINATE}
     * @param y metres, factory frame
     * @param yaw the heading to arrive with, radians counter-clockwise from +x, in [-pi, pi]; NaN
     *     when the sender did not give one (any heading)
     */
    record Goal(String id, double x, double y, double yaw) implements RobotCommand {
        public Goal {
            requireId(id);
            if (!Double.isFinite(x)
                    || !Double.isFinite(y)
                    || Math.abs(x) > MAX_COORDINATE
                    || Math.abs(y) > MAX_COORDINATE) {
                throw new IllegalArgumentException(
                        "goal x and y must be finite metres within +-"
                                + MAX_COORDINATE
                                + ", got ("
                                + x
                                + ", "
                                + y
                                + ")");
            }
            if (!Double.isNaN(yaw) && !(Math.abs(yaw) <= Math.PI)) {
                throw new IllegalArgumentException(
                        "goal yaw must be radians in [-pi, pi], got " + yaw);
            }
        }

        /** Whether the sender asked for a heading at the goal. */
        public boolean hasYaw() {
            return !Double.isNaN(yaw);
        }

        @Override
        public String name() {
            return "goal";
        }
    }

    /** Stop the robot (a controlled stop; the planner and the firmware bridge decide how). */
    record Stop(String id) implements RobotCommand {
        public Stop {
            requireId(id);
        }

        @Override
        public String name() {
            return "stop";
        }
    }

    /**
     * Publish the full twin again: with the JSON codec the current status and the latest state (new
     * message numbers); with Sparkplug B, its NCMD rebirth does the same.
     */
    record Rebirth(String id) implements RobotCommand {
        public Rebirth {
            requireId(id);
        }

        @Override
        public String name() {
            return "rebirth";
        }
    }

    private static void requireId(String id) {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "id must be 1-64 letters, digits, '_', '.', ':' or '-', got '" + id + "'");
        }
    }
}
