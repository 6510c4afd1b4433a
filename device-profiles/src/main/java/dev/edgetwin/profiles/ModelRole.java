package dev.edgetwin.profiles;

import java.util.Locale;

/** What a model does in the robot's loop; each role gets its own precision. */
public enum ModelRole {
    /** The camera object detector, run on every frame. */
    DETECTOR("detector"),
    /** The planner's learned critic, run on a batch of K sampled futures of T steps. */
    TRAJECTORY_SCORER("trajectory_scorer");

    private final String id;

    ModelRole(String id) {
        this.id = id;
    }

    /**
     * The key under {@code precision} in profile files: {@code detector}, {@code
     * trajectory_scorer}.
     */
    public String id() {
        return id;
    }

    /**
     * The role named {@code text} (its {@link #id()}, any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static ModelRole parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ModelRole role : values()) {
            if (role.id.equals(wanted)) {
                return role;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not one of " + Ids.joined(values(), ModelRole::id));
    }
}
