package dev.edgetwin.profiles;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jetson modules by the part number in their device tree (NVIDIA's {@code pNNNN-SSSS}: module
 * family and SKU), the SoCs, and the CPU cores that tell them apart when the device tree is not
 * visible (e.g. inside a container).
 */
final class JetsonModules {
    private JetsonModules() {}

    /** A chosen profile and why. */
    record Choice(String profileId, String reason) {}

    /**
     * A known module SKU.
     *
     * @param nominalGb the memory the SKU has; 0 where one part number ships with several sizes
     * @param note said after the choice, e.g. when the profile is only the nearest one
     */
    private record Module(String name, String profileId, int nominalGb, String note) {}

    private static final String GUESS = "a guess";

    private static final Map<String, Module> MODULES =
            Map.ofEntries(
                    // P3701-0000 is the first AGX Orin developer kits' module: 32 GB, later 64 GB.
                    Map.entry(
                            "p3701-0000",
                            new Module("Jetson AGX Orin (developer kit)", null, 0, null)),
                    Map.entry(
                            "p3701-0004",
                            module("Jetson AGX Orin 32GB", "jetson-agx-orin-32gb", 32)),
                    Map.entry(
                            "p3701-0005",
                            module("Jetson AGX Orin 64GB", "jetson-agx-orin-64gb", 64)),
                    Map.entry(
                            "p3701-0008",
                            module("Jetson AGX Orin Industrial 64GB", "jetson-agx-orin-64gb", 64)),
                    Map.entry(
                            "p3767-0000", module("Jetson Orin NX 16GB", "jetson-orin-nx-16gb", 16)),
                    Map.entry("p3767-0001", module("Jetson Orin NX 8GB", "jetson-orin-nx-8gb", 8)),
                    Map.entry(
                            "p3767-0003",
                            module("Jetson Orin Nano 8GB", "jetson-orin-nano-8gb", 8)),
                    Map.entry(
                            "p3767-0004",
                            module("Jetson Orin Nano 4GB", "jetson-orin-nano-4gb", 4)),
                    Map.entry(
                            "p3767-0005",
                            module(
                                    "Jetson Orin Nano 8GB (developer kit)",
                                    "jetson-orin-nano-8gb",
                                    8)),
                    Map.entry(
                            "p3668-0000",
                            module("Jetson Xavier NX (developer kit)", "jetson-xavier-nx", 8)),
                    Map.entry("p3668-0001", module("Jetson Xavier NX 8GB", "jetson-xavier-nx", 8)),
                    Map.entry(
                            "p3668-0003",
                            new Module(
                                    "Jetson Xavier NX 16GB",
                                    "jetson-xavier-nx",
                                    16,
                                    "jetson-xavier-nx is budgeted for 8 GB, which leaves headroom"
                                            + " here")),
                    Map.entry(
                            "p3448-0000", module("Jetson Nano (developer kit)", "jetson-nano", 4)),
                    Map.entry("p3448-0002", module("Jetson Nano 4GB (eMMC)", "jetson-nano", 4)),
                    Map.entry(
                            "p3448-0003",
                            new Module(
                                    "Jetson Nano 2GB",
                                    "jetson-nano",
                                    2,
                                    "jetson-nano is budgeted for 4 GB: lower memoryBudgetBytes and"
                                            + " cuda.memoryLimitBytes")));

    /** Module families with a SKU we do not know, or with no profile of their own. */
    private static final Map<String, String> FAMILIES =
            Map.of(
                    "p3701", "Jetson AGX Orin",
                    "p3767", "Jetson Orin NX/Nano",
                    "p3668", "Jetson Xavier NX",
                    "p3448", "Jetson Nano",
                    "p2888", "Jetson AGX Xavier",
                    "p3310", "Jetson TX2",
                    "p3489", "Jetson TX2",
                    "p3636", "Jetson TX2 NX",
                    "p2180", "Jetson TX1");

    private static final Pattern PART = Pattern.compile("nvidia,(p\\d{4})-(\\d{4})");
    private static final Pattern SOC = Pattern.compile("nvidia,(tegra\\d+)");

    private static Module module(String name, String profileId, int nominalGb) {
        return new Module(name, profileId, nominalGb, null);
    }

    /** Whether the facts say this is a Jetson at all. */
    static boolean isJetson(MachineFacts f) {
        if (f.architecture().startsWith("x86")) {
            // Jetsons are arm64; an L4T file on a PC is an unpacked or mounted Jetson root.
            return false;
        }
        for (String c : f.compatible()) {
            if (SOC.matcher(c).lookingAt() || PART.matcher(c).lookingAt()) {
                return true;
            }
        }
        return f.nvTegraReleasePresent()
                || (f.model() != null && f.model().toLowerCase(Locale.ROOT).contains("jetson"));
    }

    /** The profile for a Jetson, from the strongest evidence the facts hold. */
    static Choice choose(MachineFacts f) {
        Choice c = byModule(f);
        if (c == null) {
            c = byModelName(f);
        }
        if (c == null) {
            c = bySoc(f);
        }
        if (c == null) {
            c = byCpuAndRelease(f);
        }
        return c;
    }

    /**
     * The module part number, e.g. {@code p3767-0003} in {@code nvidia,p3768-0000+p3767-0003}. In a
     * carrier+module entry the module comes after the '+'; the carrier before it is not the module,
     * so it is skipped.
     */
    private static Choice byModule(MachineFacts f) {
        String familyEntry = null;
        String familyPart = null;
        for (String entry : f.compatible()) {
            String modulePart =
                    entry.contains("+")
                            ? "nvidia," + entry.substring(entry.indexOf('+') + 1)
                            : entry;
            Matcher m = PART.matcher(modulePart);
            if (!m.lookingAt()) {
                continue;
            }
            String part = m.group(1) + "-" + m.group(2);
            Module module = MODULES.get(part);
            String evidence = "device-tree compatible " + entry;
            if (module != null) {
                return fromModule(f, evidence, module);
            }
            if (familyEntry == null && FAMILIES.containsKey(m.group(1))) {
                familyEntry = entry;
                familyPart = part;
            }
        }
        if (familyEntry == null) {
            return null;
        }
        String family = familyPart.substring(0, 5);
        String name = FAMILIES.get(family);
        boolean hasProfile = List.of("p3701", "p3767", "p3668", "p3448").contains(family);
        String evidence =
                "device-tree compatible "
                        + familyEntry
                        + " -> "
                        + name
                        + " module "
                        + familyPart
                        + (hasProfile ? " (SKU not known)" : "");
        return byFamily(f, family, evidence);
    }

    private static Choice fromModule(MachineFacts f, String evidence, Module module) {
        if (module.profileId() == null) {
            // Only p3701-0000 so far: the part number does not say how much memory it has.
            return inferred(agxOrinByMemory(f), evidence + " -> " + module.name(), f);
        }
        StringBuilder reason =
                new StringBuilder(evidence)
                        .append(" -> ")
                        .append(module.name())
                        .append(" -> ")
                        .append(module.profileId());
        if (module.note() != null) {
            reason.append(" (").append(module.note()).append(')');
        }
        long nominal = (long) module.nominalGb() << 30;
        if (f.memTotalBytes() > 0 && f.memTotalBytes() < nominal * 3 / 4) {
            reason.append("; note: MemTotal ")
                    .append(gib(f.memTotalBytes()))
                    .append(" is well below the module's ")
                    .append(module.nominalGb())
                    .append(" GB, so the profile's budgets may not fit");
        }
        return new Choice(module.profileId(), reason.toString());
    }

    private static Choice byFamily(MachineFacts f, String family, String evidence) {
        return switch (family) {
            case "p3701" -> guess(agxOrinByMemory(f), evidence);
            case "p3767" -> guess(orinNxNanoByMemory(f), evidence);
            case "p3668" -> guess(new Choice("jetson-xavier-nx", "jetson-xavier-nx"), evidence);
            case "p3448" -> guess(new Choice("jetson-nano", "jetson-nano"), evidence);
            case "p2888" ->
                    guess(
                            new Choice(
                                    "jetson-xavier-nx",
                                    "no AGX Xavier profile; nearest is jetson-xavier-nx (same"
                                            + " Xavier SoC, smaller budgets)"),
                            evidence);
            default ->
                    guess(
                            new Choice(
                                    "jetson-nano",
                                    "no TX1/TX2 profile; nearest is jetson-nano (Maxwell/Pascal"
                                            + " GPU without INT8 tensor cores, no DLA)"),
                            evidence);
        };
    }

    /** The product name in /proc/device-tree/model, for trees without a module part number. */
    private static Choice byModelName(MachineFacts f) {
        if (f.model() == null) {
            return null;
        }
        String m = f.model().toLowerCase(Locale.ROOT);
        String evidence = "device-tree model '" + printable(f.model()) + "'";
        if (m.contains("agx orin")) {
            return inferred(agxOrinByMemory(f), evidence, f);
        }
        if (m.contains("orin nx")) {
            Choice c =
                    f.memTotalBytes() >= gibibytes(11)
                            ? new Choice(
                                    "jetson-orin-nx-16gb",
                                    memory(f) + " -> 16 GB -> jetson-orin-nx-16gb")
                            : new Choice(
                                    "jetson-orin-nx-8gb",
                                    memory(f) + " -> 8 GB (or less) -> jetson-orin-nx-8gb");
            return inferred(c, evidence, f);
        }
        if (m.contains("orin nano")) {
            Choice c =
                    f.memTotalBytes() >= gibibytes(5.5)
                            ? new Choice(
                                    "jetson-orin-nano-8gb",
                                    memory(f) + " -> 8 GB -> jetson-orin-nano-8gb")
                            : new Choice(
                                    "jetson-orin-nano-4gb",
                                    memory(f) + " -> 4 GB (or less) -> jetson-orin-nano-4gb");
            return inferred(c, evidence, f);
        }
        if (m.contains("xavier nx")) {
            return new Choice(
                    "jetson-xavier-nx", evidence + " -> Jetson Xavier NX -> jetson-xavier-nx");
        }
        if (m.contains("xavier")) {
            return byFamily(f, "p2888", evidence + " -> Jetson AGX Xavier");
        }
        if (m.contains("tx1") || m.contains("tx2")) {
            return byFamily(f, "p2180", evidence + " -> Jetson TX1/TX2");
        }
        if (m.contains("orin")) {
            return guess(orinByMemory(f), evidence + " -> an Orin we do not know");
        }
        if (m.contains("jetson nano")) {
            return new Choice("jetson-nano", evidence + " -> Jetson Nano -> jetson-nano");
        }
        return null;
    }

    /** Only the SoC is known (an unfamiliar carrier or module): decide by family and memory. */
    private static Choice bySoc(MachineFacts f) {
        for (String entry : f.compatible()) {
            Matcher m = SOC.matcher(entry);
            if (!m.lookingAt()) {
                continue;
            }
            String soc = m.group(1);
            String evidence = "device-tree compatible " + entry + ", module not recognised";
            return switch (soc) {
                case "tegra234" -> guess(orinByMemory(f), evidence + " -> Orin");
                case "tegra194" ->
                        guess(
                                new Choice("jetson-xavier-nx", "jetson-xavier-nx"),
                                evidence + " -> Xavier (NX or AGX)");
                case "tegra210" ->
                        guess(
                                new Choice("jetson-nano", "jetson-nano"),
                                evidence + " -> Tegra X1 (Nano or TX1)");
                case "tegra186" -> byFamily(f, "p3310", evidence + " -> Tegra X2 (TX2)");
                default ->
                        guess(
                                orinByMemory(f),
                                evidence
                                        + " -> "
                                        + soc
                                        + " is newer than this table; treating it as the newest"
                                        + " known, Orin");
            };
        }
        return null;
    }

    /**
     * No device tree (e.g. a container that shows /etc/nv_tegra_release but not /proc/device-tree):
     * the CPU cores tell the SoC generation apart, the L4T release narrows it further.
     */
    private static Choice byCpuAndRelease(MachineFacts f) {
        String release =
                f.l4tRelease() != null
                        ? "L4T " + f.l4tRelease()
                        : f.nvTegraReleasePresent() ? "an unreadable /etc/nv_tegra_release" : null;
        String evidence =
                "no Jetson module in the device tree" + (release == null ? "" : "; " + release);
        Set<String> parts = f.cpuParts();
        // Cortex-A78AE is Orin; NVIDIA's own Carmel (implementer 0x4e) is Xavier; Cortex-A57 is
        // the Nano (and TX1/TX2).
        if (parts.contains("0xd42")) {
            return guess(
                    orinByMemory(f), evidence + ", Cortex-A78AE cores (CPU part 0xd42) -> Orin");
        }
        if ("0x4e".equals(f.cpuImplementer())) {
            return guess(
                    new Choice("jetson-xavier-nx", "jetson-xavier-nx"),
                    evidence + ", NVIDIA Carmel cores (CPU implementer 0x4e) -> Xavier");
        }
        if (parts.contains("0xd07")) {
            return guess(
                    new Choice("jetson-nano", "jetson-nano"),
                    evidence + ", Cortex-A57 cores (CPU part 0xd07) -> Tegra X1/X2");
        }
        int major = f.l4tRelease() == null ? 0 : Integer.parseInt(f.l4tRelease().split("\\.")[0]);
        if (major == 32) {
            // L4T 32 (JetPack 4) ran the Nano, TX1/TX2 and Xavier; only Xavier NX has over 4 GB.
            Choice c =
                    f.memTotalBytes() > 0 && f.memTotalBytes() <= gibibytes(4.5)
                            ? new Choice("jetson-nano", memory(f) + " -> jetson-nano")
                            : new Choice("jetson-xavier-nx", memory(f) + " -> jetson-xavier-nx");
            return guess(c, evidence + " (JetPack 4: Nano, TX or Xavier)");
        }
        return guess(orinByMemory(f), evidence + " -> assuming Orin, the current Jetson");
    }

    private static Choice agxOrinByMemory(MachineFacts f) {
        if (f.memTotalBytes() >= gibibytes(44)) {
            return new Choice(
                    "jetson-agx-orin-64gb", memory(f) + " -> 64 GB -> jetson-agx-orin-64gb");
        }
        return new Choice(
                "jetson-agx-orin-32gb",
                memory(f)
                        + (f.memTotalBytes() == 0 ? " -> the smaller" : " -> 32 GB")
                        + " -> jetson-agx-orin-32gb");
    }

    /**
     * Orin NX and Orin Nano share a part number family and come in 8 GB each: an 8 GB board of
     * unknown SKU gets the Nano profile, which does not count on a DLA that may not exist.
     */
    private static Choice orinNxNanoByMemory(MachineFacts f) {
        if (f.memTotalBytes() >= gibibytes(11)) {
            return new Choice(
                    "jetson-orin-nx-16gb", memory(f) + " -> 16 GB -> jetson-orin-nx-16gb");
        }
        if (f.memTotalBytes() >= gibibytes(5.5)) {
            return new Choice(
                    "jetson-orin-nano-8gb",
                    memory(f) + " -> 8 GB -> jetson-orin-nano-8gb, which assumes no DLA");
        }
        return new Choice(
                "jetson-orin-nano-4gb",
                memory(f)
                        + (f.memTotalBytes() == 0 ? " -> the smallest" : " -> 4 GB")
                        + " -> jetson-orin-nano-4gb");
    }

    /** Any Orin, by memory alone: the smallest profile for that much memory. */
    private static Choice orinByMemory(MachineFacts f) {
        if (f.memTotalBytes() >= gibibytes(22)) {
            return agxOrinByMemory(f);
        }
        return orinNxNanoByMemory(f);
    }

    private static Choice guess(Choice c, String evidence) {
        return new Choice(c.profileId(), evidence + "; " + c.reason() + " (" + GUESS + ")");
    }

    /** Chosen by memory within a known product: a guess only if the memory is unknown. */
    private static Choice inferred(Choice c, String evidence, MachineFacts f) {
        if (f.memTotalBytes() == 0) {
            return guess(c, evidence);
        }
        return new Choice(c.profileId(), evidence + "; " + c.reason());
    }

    private static String memory(MachineFacts f) {
        return f.memTotalBytes() == 0 ? "MemTotal unknown" : "MemTotal " + gib(f.memTotalBytes());
    }

    private static long gibibytes(double gib) {
        return (long) (gib * (1L << 30));
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** Device-tree text in a log line: no control characters, bounded length. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(Math.min(text.length(), 120));
        for (int i = 0; i < text.length() && sb.length() < 120; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
