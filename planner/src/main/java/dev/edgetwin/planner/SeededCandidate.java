package dev.edgetwin.planner;

/**
 * Hand-made control sequences mixed into every batch of samples, so that the obvious manoeuvres are
 * always considered even when the noise around the mean misses them.
 */
public enum SeededCandidate {
    /** Brake to a standstill and stay. */
    STOP,
    /** Crawl forward at 0.15 m/s, turning as the current plan does. */
    CREEP,
    /** Swerve left, run parallel, swerve back (sideways for an omnidirectional robot). */
    BYPASS_LEFT,
    /** The mirror of {@link #BYPASS_LEFT}. */
    BYPASS_RIGHT,
    /** Back up slowly, straight. */
    REVERSE,
    /** Stop for the first half of the horizon, then resume the current plan. */
    WAIT
}
