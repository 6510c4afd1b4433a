package dev.edgetwin.planner;

/**
 * The safety layer's decision on one command: the command to send (the proposed one, or a stop),
 * and why.
 */
public record SafetyVerdict(VelocityCommand command, Outcome outcome, String reason) {
    public enum Outcome {
        /** The proposed command passed. */
        PASSED,
        /** Replaced by a stop: its short rollout enters a person's protective zone. */
        STOP_PERSON_ZONE,
        /** Replaced by a stop: its short rollout collides with a static or dynamic obstacle. */
        STOP_COLLISION,
        /** Replaced by a stop: the world snapshot is older than allowed. */
        STOP_STALE_SNAPSHOT
    }

    public boolean stopped() {
        return outcome != Outcome.PASSED;
    }
}
