package dev.edgetwin.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tinylog.Logger;

/**
 * The raw facts about a machine, read from files under a root directory. Missing, unreadable or
 * garbled files give empty facts, never an exception: detection must decide something on any
 * machine, and says so when it guesses.
 */
record MachineFacts(
        String architecture,
        String model,
        List<String> compatible,
        boolean compatibleGarbled,
        boolean nvTegraReleasePresent,
        String l4tRelease,
        Set<String> cpuFlags,
        Set<String> cpuParts,
        String cpuImplementer,
        long memTotalBytes,
        String nvidiaDriverVersion,
        boolean devNvidia0) {

    static final String MODEL = "proc/device-tree/model";
    static final String COMPATIBLE = "proc/device-tree/compatible";
    static final String NV_TEGRA_RELEASE = "etc/nv_tegra_release";
    static final String CPUINFO = "proc/cpuinfo";
    static final String MEMINFO = "proc/meminfo";
    static final String NVIDIA_VERSION = "proc/driver/nvidia/version";
    static final String DEV_NVIDIA0 = "dev/nvidia0";

    /** cpuinfo on a 256-core server is about 300 KiB; the other files are tiny. */
    private static final int MAX_FILE_BYTES = 4 << 20;

    private static final Pattern L4T =
            Pattern.compile(
                    "#\\s*R(\\d{1,4})\\s*\\(release\\),\\s*REVISION:\\s*(\\d{1,4})(?:\\.(\\d{1,4}))?");
    private static final Pattern COMPATIBLE_ENTRY = Pattern.compile("[\\x21-\\x7e]{1,128}");
    private static final Pattern MEM_TOTAL =
            Pattern.compile("MemTotal:\\s*(\\d{1,15})\\s*kB", Pattern.CASE_INSENSITIVE);

    boolean nvidiaDriverPresent() {
        return nvidiaDriverVersion != null || devNvidia0;
    }

    static MachineFacts read(Path root) {
        String modelText = readText(root, MODEL);
        String model = modelText == null ? null : firstString(modelText);

        String compatibleText = readText(root, COMPATIBLE);
        List<String> compatible = new ArrayList<>();
        boolean garbled = false;
        if (compatibleText != null) {
            for (String entry : compatibleText.split("\0")) {
                String e = entry.trim();
                if (e.isEmpty()) {
                    continue;
                }
                if (COMPATIBLE_ENTRY.matcher(e).matches()) {
                    compatible.add(e);
                } else {
                    garbled = true;
                }
            }
        }

        String release = readText(root, NV_TEGRA_RELEASE);
        String l4t = null;
        if (release != null) {
            Matcher m = L4T.matcher(release);
            if (m.find()) {
                l4t = m.group(1) + "." + m.group(2) + "." + (m.group(3) == null ? "0" : m.group(3));
            }
        }

        Cpuinfo cpu = Cpuinfo.parse(readText(root, CPUINFO));

        long memTotal = 0;
        String meminfo = readText(root, MEMINFO);
        if (meminfo != null) {
            Matcher m = MEM_TOTAL.matcher(meminfo);
            if (m.find()) {
                memTotal = Long.parseLong(m.group(1)) * 1024;
            }
        }

        String nvidiaVersion = readText(root, NVIDIA_VERSION);
        String driverLine = null;
        if (nvidiaVersion != null) {
            String first = nvidiaVersion.lines().findFirst().orElse("").trim();
            driverLine = first.isEmpty() ? "(empty)" : first;
        }

        return new MachineFacts(
                cpu.architecture,
                model,
                List.copyOf(compatible),
                garbled,
                release != null,
                l4t,
                cpu.flags,
                cpu.parts,
                cpu.implementer,
                memTotal,
                driverLine,
                Files.exists(root.resolve(DEV_NVIDIA0)));
    }

    /** The first NUL-terminated string, trimmed; null when there is none. */
    private static String firstString(String text) {
        int nul = text.indexOf('\0');
        String s = (nul < 0 ? text : text.substring(0, nul)).trim();
        return s.isEmpty() ? null : s;
    }

    /** The file's text, or null if it is missing or unreadable (logged: it may explain a guess). */
    private static String readText(Path root, String relative) {
        Path file = root.resolve(relative);
        try (InputStream in = Files.newInputStream(file)) {
            // readNBytes, not Files.size: procfs files report size 0 or 4096 whatever they hold.
            return new String(in.readNBytes(MAX_FILE_BYTES), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | SecurityException e) {
            Logger.debug("Cannot read {}: {}", file, e.toString());
            return null;
        }
    }

    /** What /proc/cpuinfo says about the instruction set. */
    private record Cpuinfo(
            String architecture, Set<String> flags, Set<String> parts, String implementer) {

        static Cpuinfo parse(String text) {
            if (text == null) {
                return new Cpuinfo("unknown", Set.of(), Set.of(), null);
            }
            String x86Flags = null;
            String armFeatures = null;
            String armArchitecture = null;
            String implementer = null;
            Set<String> parts = new LinkedHashSet<>();
            for (String line : text.split("\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "flags" -> x86Flags = x86Flags == null ? value : x86Flags;
                    case "Features" -> armFeatures = armFeatures == null ? value : armFeatures;
                    case "CPU architecture" ->
                            armArchitecture = armArchitecture == null ? value : armArchitecture;
                    case "CPU implementer" ->
                            implementer = implementer == null ? value : implementer;
                    case "CPU part" -> parts.add(value.toLowerCase(Locale.ROOT));
                    default -> {}
                }
            }
            if (x86Flags != null) {
                Set<String> flags = words(x86Flags);
                // "lm" (long mode) is what makes an x86 CPU 64-bit.
                return new Cpuinfo(
                        flags.contains("lm") ? "x86_64" : "x86", Set.copyOf(flags), Set.of(), null);
            }
            if (armFeatures != null) {
                Set<String> features = words(armFeatures);
                // "asimd" is the arm64 kernel's name for NEON; a 32-bit kernel says "neon".
                boolean arm64 =
                        features.contains("asimd")
                                || (!features.contains("neon") && "8".equals(armArchitecture));
                return new Cpuinfo(
                        arm64 ? "aarch64" : "armv7",
                        Set.copyOf(features),
                        Set.copyOf(parts),
                        implementer == null ? null : implementer.toLowerCase(Locale.ROOT));
            }
            return new Cpuinfo("unknown", Set.of(), Set.copyOf(parts), implementer);
        }

        private static Set<String> words(String line) {
            Set<String> words = new TreeSet<>();
            for (String w : line.split("\\s+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
            return words;
        }
    }
}
