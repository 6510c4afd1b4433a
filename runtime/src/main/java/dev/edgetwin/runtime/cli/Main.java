package dev.edgetwin.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code edgetwin} command line. Only the CLI prints to stdout; logs go to stderr and a file.
 */
@Command(
        name = "edgetwin",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "Edge inference runtime for robots: vision, digital twin over MQTT, planning.",
        subcommands = {
            RunCommand.class,
            WatchCommand.class,
            BenchCommand.class,
            ProfileCommand.class,
            ModelsCommand.class,
            KeysCommand.class,
            StatusCommand.class,
            VisionCommand.class,
            PlannerCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        LogSetup.configure();
        CommandLine cli = new CommandLine(new Main());
        int code;
        try {
            ConfigFile config =
                    ConfigFile.load(ConfigFile.defaultPath(), ConfigFile.optionKeys(cli));
            cli.setDefaultValueProvider(config);
            code = cli.execute(args);
        } catch (IllegalArgumentException e) {
            cli.getErr().println("edgetwin: " + e.getMessage());
            cli.getErr().flush();
            code = 2;
        }
        LogSetup.shutdown();
        System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
