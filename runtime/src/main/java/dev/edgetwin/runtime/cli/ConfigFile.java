package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * The optional configuration file: option values by their long names, read as defaults that the
 * command line overrides, plus {@code set:} profile overrides merged under {@code --set}.
 *
 * <pre>
 * # ~/.config/edgetwin/config.yaml (or $EDGETWIN_CONFIG)
 * site: plant-7
 * robot-id: amr-12
 * mqtt-host: hub.local
 * external-broker: true
 * profile: auto
 * set:
 *   cpu.intraOpThreads: 2
 * </pre>
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    static final String SET_KEY = "set";

    private final Path path;
    private final Map<String, String> values;
    private final Map<String, String> profileOverrides;

    private ConfigFile(
            Path path, Map<String, String> values, Map<String, String> profileOverrides) {
        this.path = path;
        this.values = values;
        this.profileOverrides = profileOverrides;
    }

    static ConfigFile empty() {
        return new ConfigFile(null, Map.of(), Map.of());
    }

    /** {@code $EDGETWIN_CONFIG}, else {@code $XDG_CONFIG_HOME/edgetwin/config.yaml}. */
    static Path defaultPath() {
        return UserDirectories.resolve(
                "EDGETWIN_CONFIG", "XDG_CONFIG_HOME", ".config", "config.yaml");
    }

    /**
     * Reads {@code file} if it exists; every key must be a long option name of some command.
     *
     * @throws IllegalArgumentException naming the file, the key and what was wrong
     */
    static ConfigFile load(Path file, Set<String> knownKeys) {
        if (!Files.exists(file)) {
            return empty();
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "config file " + file + " is not valid YAML: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new ConfigFile(file, Map.of(), Map.of());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(
                    "config file " + file + ": expected 'key: value' lines at the top level");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (key.equals(SET_KEY)) {
                if (!v.isObject()) {
                    problems.add(
                            "'set' must map profile keys to values, e.g. cpu.intraOpThreads: 2");
                    continue;
                }
                v.fields().forEachRemaining(o -> overrides.put(o.getKey(), o.getValue().asText()));
            } else if (!knownKeys.contains(key)) {
                problems.add("unknown key '" + key + "' (known: " + new TreeSet<>(knownKeys) + ")");
            } else if (!v.isValueNode()) {
                problems.add(
                        "'"
                                + key
                                + "' must be a single value, got "
                                + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            } else {
                values.put(key, v.asText());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "config file " + file + ": " + String.join("; ", problems));
        }
        return new ConfigFile(file, values, overrides);
    }

    /** Long option names (without dashes) across {@code cli} and its subcommands. */
    static Set<String> optionKeys(CommandLine cli) {
        Set<String> keys = new TreeSet<>();
        collect(cli, keys);
        keys.remove("help");
        keys.remove("version");
        keys.remove(SET_KEY);
        return keys;
    }

    private static void collect(CommandLine cli, Set<String> keys) {
        for (CommandLine.Model.OptionSpec o : cli.getCommandSpec().options()) {
            if (o.longestName().startsWith("--")) {
                keys.add(o.longestName().substring(2));
            }
        }
        cli.getSubcommands().values().forEach(sub -> collect(sub, keys));
    }

    /** Profile overrides from the file's {@code set:} section. */
    Map<String, String> profileOverrides() {
        return profileOverrides;
    }

    Path path() {
        return path;
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (arg instanceof CommandLine.Model.OptionSpec o && o.longestName().startsWith("--")) {
            return values.get(o.longestName().substring(2));
        }
        return null;
    }
}
