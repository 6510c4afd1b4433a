package dev.edgetwin.planner;

/** The critics whose costs add up to a candidate's cost (see {@link CriticWeights}). */
public enum Critic {
    /** Touching a static obstacle or a predicted dynamic one: hard. */
    COLLISION,
    /** Closer to static obstacles (and within objects' margins) than wanted. */
    CLEARANCE,
    /** Route left to the goal at the end of the trajectory. */
    PROGRESS,
    /** Mean distance from the route. */
    ALIGNMENT,
    /** Inside people's margins over time, against their time-indexed predictions. */
    PEOPLE,
    /** Command changes between steps. */
    SMOOTHNESS,
    /** Reversing. */
    PREFER_FORWARD,
    /** The learned critic's risk times its weight (0 when it did not run). */
    LEARNED
}
