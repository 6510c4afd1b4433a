package dev.edgetwin.runtime.cli;

import dev.edgetwin.profiles.ProfileException;
import dev.edgetwin.runtime.ProfileSelection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options that choose the device profile, shared by the commands that load models. */
final class ProfileOptions {
    @Option(
            names = "--profile",
            defaultValue = ProfileSelection.AUTO,
            paramLabel = "auto|ID|FILE",
            description =
                    "Device profile: detected (auto), a built-in id, or a profile YAML file. Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Override one profile field, e.g. --set cpu.intraOpThreads=2 --set precision.detector=fp16.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(
            names = "--device-root",
            defaultValue = "/",
            hidden = true,
            description =
                    "Filesystem root to detect the device from (for testing against fixture trees).")
    Path deviceRoot;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The configuration file's {@code set:} overrides, then the command line's on top. */
    ProfileSelection resolve() throws ProfileException {
        Map<String, String> merged = new LinkedHashMap<>();
        if (command != null && command.defaultValueProvider() instanceof ConfigFile config) {
            merged.putAll(config.profileOverrides());
        }
        merged.putAll(overrides);
        return ProfileSelection.resolve(profile, merged, deviceRoot);
    }
}
