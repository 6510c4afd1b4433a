package dev.edgetwin.planner;

import java.util.Optional;

/**
 * One control cycle's output: the command for the firmware bridge (after the safety layer), the
 * optimiser's plan summary for the twin (empty when there was no route), the safety verdict, and
 * the route in use.
 */
public record CycleResult(
        VelocityCommand command,
        Optional<PlanSummary> plan,
        SafetyVerdict safety,
        Optional<Route> route,
        String reason) {}
