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
 * cameras:                      # several cameras of one robot (instead of --camera)
 *   - id: left
 *     source: "gst:v4l2src device=/dev/video0"
 *     size: 640x480             # optional, as --camera-size
 *     fov: 70                   # optional, as --camera-fov
 *     mount: {x: 0.25, y: 0.1, z: 1.1, yaw: 25, pitch: 12}   # metres, degrees
 * </pre>
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    static final String SET_KEY = "set";
    static final String CAMERAS_KEY = "cameras";

    private final Path path;
    private final Map<String, String> values;
    private final Map<String, String> profileOverrides;
    private final List<CameraOptions.CameraSpec> cameras;

    private ConfigFile(
            Path path,
            Map<String, String> values,
            Map<String, String> profileOverrides,
            List<CameraOptions.CameraSpec> cameras) {
        this.path = path;
        this.values = values;
        this.profileOverrides = profileOverrides;
        this.cameras = List.copyOf(cameras);
    }

    static ConfigFile empty() {
        return new ConfigFile(null, Map.of(), Map.of(), List.of());
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
            return new ConfigFile(file, Map.of(), Map.of(), List.of());
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(
                    "config file " + file + ": expected 'key: value' lines at the top level");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> overrides = new LinkedHashMap<>();
        List<CameraOptions.CameraSpec> cameras = new ArrayList<>();
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
            } else if (key.equals(CAMERAS_KEY)) {
                readCameras(v, cameras, problems);
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
        return new ConfigFile(file, values, overrides, cameras);
    }

    private static final Set<String> CAMERA_FIELDS = Set.of("id", "source", "size", "fov", "mount");
    private static final List<String> MOUNT_FIELDS = List.of("x", "y", "z", "yaw", "pitch");

    private static void readCameras(
            JsonNode list, List<CameraOptions.CameraSpec> out, List<String> problems) {
        if (!list.isArray() || list.isEmpty()) {
            problems.add("'cameras' must be a list of cameras, each with an id and a source");
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String where = "cameras[" + i + "]";
            if (!c.isObject()) {
                problems.add(where + " must be a map with id, source, size, fov and mount");
                continue;
            }
            List<String> unknown = new ArrayList<>();
            c.fieldNames()
                    .forEachRemaining(
                            f -> {
                                if (!CAMERA_FIELDS.contains(f)) {
                                    unknown.add(f);
                                }
                            });
            if (!unknown.isEmpty()) {
                problems.add(
                        where
                                + ": unknown "
                                + unknown
                                + " (known: "
                                + new TreeSet<>(CAMERA_FIELDS)
                                + ")");
                continue;
            }
            if (!c.path("id").isTextual() || !c.path("source").isTextual()) {
                problems.add(
                        where
                                + " needs an 'id' and a 'source' (e.g. gst:..., mjpeg:..., folder:...)");
                continue;
            }
            double[] mount = {0.25, 0, 1.1, 0, 12};
            JsonNode m = c.path("mount");
            if (!m.isMissingNode()) {
                if (!m.isObject()) {
                    problems.add(where + ".mount must map x, y, z, yaw, pitch to numbers");
                    continue;
                }
                boolean bad = false;
                for (Iterator<String> f = m.fieldNames(); f.hasNext(); ) {
                    String name = f.next();
                    int k = MOUNT_FIELDS.indexOf(name);
                    if (k < 0 || !m.get(name).isNumber()) {
                        problems.add(
                                where
                                        + ".mount."
                                        + name
                                        + ": expected one of "
                                        + MOUNT_FIELDS
                                        + " with a number");
                        bad = true;
                    } else {
                        mount[k] = m.get(name).asDouble();
                    }
                }
                if (bad) {
                    continue;
                }
            }
            try {
                out.add(
                        new CameraOptions.CameraSpec(
                                c.get("id").asText(),
                                c.get("source").asText(),
                                c.path("size").asText("640x480"),
                                c.path("fov").asDouble(70),
                                mount[0],
                                mount[1],
                                mount[2],
                                mount[3],
                                mount[4]));
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
    }

    /** The robot's cameras from the file's {@code cameras:} list; empty when it has none. */
    List<CameraOptions.CameraSpec> cameras() {
        return cameras;
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
