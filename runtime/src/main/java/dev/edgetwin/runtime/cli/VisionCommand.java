package dev.edgetwin.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgetwin vision}: the vision pipeline's tools. */
@Command(
        name = "vision",
        mixinStandardHelpOptions = true,
        description = "Vision pipeline tools.",
        subcommands = {VisionEvaluateCommand.class})
final class VisionCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
