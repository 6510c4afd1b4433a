package dev.edgetwin.planner;

/** What became of the learned critic in one cycle. */
public enum LearnedCriticStatus {
    /** No learned critic is configured. */
    NONE,
    /** It scored the best candidates within the deadline; its risk is in the costs. */
    RAN,
    /** It did not answer within the deadline (or the deadline was 0); analytic critics only. */
    MISSED_DEADLINE,
    /** An earlier run that missed its deadline is still going; analytic critics only. */
    BUSY,
    /** It threw; analytic critics only. */
    FAILED
}
