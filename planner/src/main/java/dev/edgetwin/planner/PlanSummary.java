package dev.edgetwin.planner;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the optimiser decided in one cycle and why, for the twin.
 *
 * @param command the optimiser's command (before the safety layer)
 * @param chosen the chosen trajectory (the rollout of the chosen control sequence)
 * @param cost the chosen trajectory's total cost
 * @param breakdown the chosen trajectory's cost per critic
 * @param alternatives the best sampled candidates, cheapest first
 * @param seededWinner the seeded candidate that won, if one did
 * @param reason why this one, in words
 * @param learned what became of the learned critic
 * @param collisionFree whether the chosen trajectory touches nothing as predicted
 */
public record PlanSummary(
        VelocityCommand command,
        Trajectory chosen,
        double cost,
        Map<Critic, Double> breakdown,
        List<Alternative> alternatives,
        Optional<SeededCandidate> seededWinner,
        String reason,
        LearnedCriticStatus learned,
        boolean collisionFree) {

    /** One sampled candidate: its index, cost, seed (if seeded), first command and collision. */
    public record Alternative(
            int index,
            double cost,
            Optional<SeededCandidate> seeded,
            VelocityCommand firstCommand,
            boolean collides) {}

    public PlanSummary {
        breakdown = Map.copyOf(breakdown);
        alternatives = List.copyOf(alternatives);
    }

    @Override
    public String toString() {
        return "PlanSummary[command="
                + command
                + ", cost="
                + String.format("%.3f", cost)
                + ", "
                + alternatives.size()
                + " alternatives, seeded="
                + seededWinner.map(Enum::name).orElse("-")
                + ", learned="
                + learned
                + ", reason="
                + reason
                + "]";
    }
}
