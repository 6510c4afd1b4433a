package dev.edgetwin.profiles;

import dev.edgetwin.profiles.YamlTree.Mapping;
import dev.edgetwin.profiles.YamlTree.Node;
import dev.edgetwin.profiles.YamlTree.Scalar;
import dev.edgetwin.profiles.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads and writes the profile file format ({@code schema: edgetwin/device-profile/1}). */
final class ProfileYaml {

    private ProfileYaml() {}

    static DeviceProfile read(String yaml, String source) throws ProfileException {
        Node root;
        try {
            root = YamlTree.parse(yaml);
        } catch (YamlTree.YamlException e) {
            throw ProfileException.invalid(source, List.of(e.getMessage()));
        }
        if (root == null || (root instanceof Scalar s && s.text() == null)) {
            throw ProfileException.invalid(source, List.of("the file has no profile in it"));
        }
        if (!(root instanceof Mapping top)) {
            throw ProfileException.invalid(
                    source,
                    List.of(
                            "expected the profile's fields (schema, id, version, ...) at the top,"
                                    + " found "
                                    + kind(root)));
        }
        ProfileBuilder b = new ProfileBuilder();
        for (Map.Entry<String, Node> field : top.entries().entrySet()) {
            String name = field.getKey();
            Node node = field.getValue();
            if (ProfileBuilder.FILE_ONLY_KEYS.contains(name)) {
                if (node instanceof Scalar s) {
                    b.setFileKey(name, s.text(), s.line());
                } else {
                    b.problem(name, name + ": expected a single value, found " + kind(node), node);
                }
            } else if (name.equals("executionProviders")) {
                readProviders(b, node);
            } else if (name.equals("thermalZones")) {
                readZones(b, node);
            } else if (ProfileBuilder.SECTIONS.contains(name)) {
                readSection(b, name, node);
            } else if (ProfileBuilder.isKey(name)) {
                setScalar(b, name, node);
            } else {
                b.problem(name, ProfileBuilder.unknownKey(name), node);
            }
        }
        b.requireComplete();
        return b.build(source);
    }

    private static void readSection(ProfileBuilder b, String section, Node node) {
        if (!(node instanceof Mapping m)) {
            b.problem(
                    section,
                    section + ": expected a mapping of " + section + " fields, found " + kind(node),
                    node);
            return;
        }
        for (Map.Entry<String, Node> field : m.entries().entrySet()) {
            String key = section + "." + field.getKey();
            if (ProfileBuilder.isKey(key)) {
                setScalar(b, key, field.getValue());
            } else {
                b.problem(key, ProfileBuilder.unknownKey(key), field.getValue());
            }
        }
    }

    private static void setScalar(ProfileBuilder b, String key, Node node) {
        if (node instanceof Scalar s) {
            b.set(key, s.text(), s.line());
        } else {
            b.problem(key, key + ": expected a single value, found " + kind(node), node);
        }
    }

    private static void readProviders(ProfileBuilder b, Node node) {
        String key = "executionProviders";
        if (!(node instanceof Sequence list)) {
            b.problem(
                    key,
                    key + ": expected a list such as [tensorrt, cuda, cpu], found " + kind(node),
                    node);
            return;
        }
        List<String> items = new ArrayList<>();
        for (Node item : list.items()) {
            if (!(item instanceof Scalar s) || s.text() == null) {
                b.problem(key, key + ": expected provider names, found " + kind(item), item);
                return;
            }
            items.add(s.text());
        }
        b.setProviders(items, node.line());
    }

    private static void readZones(ProfileBuilder b, Node node) {
        String key = "thermalZones";
        if (!(node instanceof Sequence list)) {
            b.problem(
                    key,
                    key + ": expected a list of {type, throttleCelsius}, found " + kind(node),
                    node);
            return;
        }
        List<ThermalZone> zones = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < list.items().size(); i++) {
            String at = key + "[" + i + "]";
            Node zone = list.items().get(i);
            if (!(zone instanceof Mapping m)) {
                b.problem(
                        key, at + ": expected {type, throttleCelsius}, found " + kind(zone), zone);
                ok = false;
                continue;
            }
            for (Map.Entry<String, Node> f : m.entries().entrySet()) {
                if (!f.getKey().equals("type") && !f.getKey().equals("throttleCelsius")) {
                    b.problem(
                            key,
                            "unknown key '"
                                    + at
                                    + "."
                                    + f.getKey()
                                    + "' (a zone has type, throttleCelsius)",
                            f.getValue());
                    ok = false;
                }
            }
            String type = text(m.entries().get("type"));
            String celsius = text(m.entries().get("throttleCelsius"));
            if (type == null) {
                b.problem(key, at + ".type: missing", zone);
                ok = false;
                continue;
            }
            if (celsius == null) {
                b.problem(key, at + ".throttleCelsius: missing", zone);
                ok = false;
                continue;
            }
            try {
                zones.add(new ThermalZone(type, ProfileBuilder.parseDouble(celsius)));
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                b.problem(
                        key,
                        message.startsWith(key + ":")
                                ? message
                                : at + ".throttleCelsius: " + message,
                        zone);
                ok = false;
            }
        }
        if (ok) {
            b.setThermalZones(zones, node.line());
        }
    }

    private static String text(Node node) {
        return node instanceof Scalar s ? s.text() : null;
    }

    private static String kind(Node node) {
        if (node instanceof Mapping) {
            return "a mapping";
        }
        if (node instanceof Sequence) {
            return "a list";
        }
        String text = ((Scalar) node).text();
        return text == null ? "nothing" : "'" + text + "'";
    }

    /** The profile as a file {@link #read} accepts and reads back to an equal profile. */
    static String write(DeviceProfile p) {
        StringBuilder y = new StringBuilder(1024);
        y.append("schema: ").append(ProfileBuilder.SCHEMA).append('\n');
        y.append("id: ").append(p.id()).append('\n');
        y.append("version: ").append(p.version()).append('\n');
        y.append("description: ").append(quoted(p.description())).append('\n');
        y.append("executionProviders: [")
                .append(DeviceProfile.idsOf(p.executionProviders()).replace(",", ", "))
                .append("]\n");
        y.append("precision:\n");
        for (ModelRole role : ModelRole.values()) {
            y.append("  ").append(role.id()).append(": ").append(p.precisionFor(role).id());
            y.append('\n');
        }
        TensorRtOptions trt = p.tensorrt();
        y.append("tensorrt:\n");
        y.append("  fp16: ").append(trt.fp16()).append('\n');
        y.append("  int8: ").append(trt.int8()).append('\n');
        y.append("  engineCacheDir: ").append(quoted(trt.engineCacheDir())).append('\n');
        y.append("  dlaCore: ").append(trt.dlaCore() == null ? "none" : trt.dlaCore()).append('\n');
        y.append("  workspaceBytes: ").append(ByteSizes.format(trt.workspaceBytes())).append('\n');
        y.append("cuda:\n");
        y.append("  deviceId: ").append(p.cuda().deviceId()).append('\n');
        y.append("  memoryLimitBytes: ")
                .append(ByteSizes.format(p.cuda().memoryLimitBytes()))
                .append('\n');
        y.append("cpu:\n");
        y.append("  intraOpThreads: ").append(p.cpu().intraOpThreads()).append('\n');
        y.append("  interOpThreads: ").append(p.cpu().interOpThreads()).append('\n');
        y.append("  spinning: ").append(p.cpu().spinning()).append('\n');
        PipelineBudget pl = p.pipeline();
        y.append("pipeline:\n");
        y.append("  cameraWidth: ").append(pl.cameraWidth()).append('\n');
        y.append("  cameraHeight: ").append(pl.cameraHeight()).append('\n');
        y.append("  cameraFps: ").append(number(pl.cameraFps())).append('\n');
        y.append("  plannerBatchK: ").append(pl.plannerBatchK()).append('\n');
        y.append("  plannerHorizonT: ").append(pl.plannerHorizonT()).append('\n');
        y.append("  plannerRateHz: ").append(number(pl.plannerRateHz())).append('\n');
        y.append("memoryBudgetBytes: ")
                .append(ByteSizes.format(p.memoryBudgetBytes()))
                .append('\n');
        if (p.thermalZones().isEmpty()) {
            y.append("thermalZones: []\n");
        } else {
            y.append("thermalZones:\n");
            for (ThermalZone z : p.thermalZones()) {
                y.append("  - {type: ")
                        .append(quoted(z.type()))
                        .append(", throttleCelsius: ")
                        .append(number(z.throttleCelsius()))
                        .append("}\n");
            }
        }
        return y.toString();
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }

    /** A YAML double-quoted scalar, so no value can be mistaken for a number, bool or null. */
    private static String quoted(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
