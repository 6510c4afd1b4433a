package dev.edgetwin.modelkit.scorer;

/**
 * What every edgetwin trajectory scorer looks like from outside: K candidate trajectories of the
 * robot, each with the people around it, in; the probability of a collision with a person over the
 * horizon, per candidate, out. The planner fills the input; the model estimates the risk that Monte
 * Carlo rollouts of people's stochastic motion would give (see docs/models.md).
 *
 * <p>Input {@value #INPUT_NAME}: float32 [K, {@value #STEPS}, {@value #FEATURES}], K dynamic (the
 * dimension is named {@value #BATCH_DIM}). Row t of a candidate is the state at time (t + 1) x
 * {@value #STEP_SECONDS} s after now. All positions and velocities are in the robot's frame at time
 * 0 (origin at the robot's centre now, x forward, y to the left; metres, m/s, radians):
 *
 * <ul>
 *   <li>{@link #ROBOT_X}, {@link #ROBOT_Y}: the robot's position at that step;
 *   <li>{@link #ROBOT_HEADING}: its heading (counter-clockwise from x); {@link #ROBOT_SPEED}: its
 *       forward speed;
 *   <li>then {@value #PEOPLE} person slots of {@value #PERSON_FEATURES} values each, starting at
 *       {@link #personFeature(int, int)}: {@link #PRESENT} (1 or 0), {@link #PERSON_DX}, {@link
 *       #PERSON_DY} (where the person would be at that step if they kept their current velocity,
 *       minus the robot's position at that step), {@link #PERSON_VX}, {@link #PERSON_VY} (the
 *       person's current velocity, the same on every row).
 * </ul>
 *
 * <p>Fill slots from 0 with the nearest people now; an unused slot is all zeros. The model treats
 * the slots alike (their order does not matter) and reads {@link #PRESENT} and the velocity from
 * row 0. The robot's own columns describe the candidate; the released model's risk depends only on
 * the relative positions and the people's velocities, so a planner may fill them for its own
 * critics.
 *
 * <p>Output {@value #OUTPUT_NAME}: float32 [K], in [0, 1]: the probability that the robot comes
 * within {@link #COLLISION_DISTANCE} of any person's centre at any of the steps.
 */
public final class ScorerContract {
    public static final String INPUT_NAME = "trajectories";
    public static final String OUTPUT_NAME = "risk";

    /** The symbolic name of the candidate (batch) dimension in the model. */
    public static final String BATCH_DIM = "K";

    /** Steps per candidate: a 2 s horizon. */
    public static final int STEPS = 20;

    public static final double STEP_SECONDS = 0.1;

    /** Person slots per row. */
    public static final int PEOPLE = 4;

    public static final int ROBOT_FEATURES = 4;
    public static final int PERSON_FEATURES = 5;

    /** Values per row: {@value #ROBOT_FEATURES} + {@value #PEOPLE} x {@value #PERSON_FEATURES}. */
    public static final int FEATURES = ROBOT_FEATURES + PEOPLE * PERSON_FEATURES;

    public static final int ROBOT_X = 0;
    public static final int ROBOT_Y = 1;
    public static final int ROBOT_HEADING = 2;
    public static final int ROBOT_SPEED = 3;

    /** Offsets within a person slot; see {@link #personFeature(int, int)}. */
    public static final int PRESENT = 0;

    public static final int PERSON_DX = 1;
    public static final int PERSON_DY = 2;
    public static final int PERSON_VX = 3;
    public static final int PERSON_VY = 4;

    /** The robot's radius, metres (a disc). */
    public static final double ROBOT_RADIUS = 0.35;

    /** A person's radius, metres (a disc). */
    public static final double PERSON_RADIUS = 0.25;

    /** Clearance wanted on top of touching, metres. */
    public static final double SAFETY_MARGIN = 0.2;

    /** Centre-to-centre distance below which a step counts as a collision: 0.8 m. */
    public static final double COLLISION_DISTANCE = ROBOT_RADIUS + PERSON_RADIUS + SAFETY_MARGIN;

    /** The ONNX opset and IR version the models are written for, as for the detector. */
    public static final long OPSET = 17;

    public static final long IR_VERSION = 8;

    private ScorerContract() {}

    /**
     * The column of value {@code which} ({@link #PRESENT} ... {@link #PERSON_VY}) of person slot
     * {@code slot} (0 ... {@value #PEOPLE} - 1).
     */
    public static int personFeature(int slot, int which) {
        if (slot < 0 || slot >= PEOPLE || which < 0 || which >= PERSON_FEATURES) {
            throw new IllegalArgumentException(
                    "person slot must be in [0, "
                            + PEOPLE
                            + ") and value in [0, "
                            + PERSON_FEATURES
                            + "), got slot "
                            + slot
                            + ", value "
                            + which);
        }
        return ROBOT_FEATURES + slot * PERSON_FEATURES + which;
    }
}
