package dev.edgetwin.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgetwin planner}: the planner's tools. */
@Command(
        name = "planner",
        mixinStandardHelpOptions = true,
        description = "Planner tools.",
        subcommands = {PlannerScenariosCommand.class})
final class PlannerCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
