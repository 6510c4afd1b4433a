package dev.edgetwin.profiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.tinylog.Logger;

/**
 * Decides which built-in profile fits the machine whose filesystem is at {@code root} ({@code /}
 * for this machine; a fixture tree in tests). It reads only files under the root:
 *
 * <ol>
 *   <li>Jetson, when {@code /proc/device-tree/compatible} names an NVIDIA Tegra SoC or module, the
 *       model says Jetson, or {@code /etc/nv_tegra_release} exists. The module part number in
 *       {@code compatible} (e.g. {@code p3767-0003}) picks the profile exactly; otherwise the model
 *       name, then the SoC ({@code tegra234}...), then the CPU cores in {@code /proc/cpuinfo}, with
 *       {@code MemTotal} choosing between memory sizes.
 *   <li>Otherwise the architecture from {@code /proc/cpuinfo}: x86_64 with the NVIDIA driver
 *       ({@code /proc/driver/nvidia/version} or {@code /dev/nvidia0}) is {@code x86_64-cuda},
 *       x86_64 without it {@code x86_64-cpu}, arm64 {@code arm64-cpu}.
 * </ol>
 *
 * <p>It always returns a profile. When no fact pins the device down it takes the nearest profile
 * that is safe to run (the smaller memory budget, no DLA it cannot be sure of) and the reason says
 * "a guess". Missing, unreadable and garbled files count as absent. Thread-safe; each {@link
 * #detect()} reads the files again.
 */
public final class DeviceDetector {

    private final Path root;

    public DeviceDetector(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    public DetectedDevice detect() {
        MachineFacts f = MachineFacts.read(root);
        boolean jetson = JetsonModules.isJetson(f);
        JetsonModules.Choice choice = jetson ? JetsonModules.choose(f) : chooseGeneric(f);
        String reason = withNotes(choice.reason(), f);
        // Every Jetson that runs Jetson Linux is arm64, whatever a hidden /proc/cpuinfo says.
        String architecture =
                jetson && f.architecture().equals("unknown") ? "aarch64" : f.architecture();
        DetectedDevice device =
                new DetectedDevice(
                        choice.profileId(),
                        reason,
                        architecture,
                        f.model(),
                        f.compatible(),
                        f.l4tRelease(),
                        f.cpuFlags(),
                        f.memTotalBytes(),
                        f.nvidiaDriverPresent());
        Logger.info("Device profile {} chosen: {}", device.profileId(), device.reason());
        return device;
    }

    private static JetsonModules.Choice chooseGeneric(MachineFacts f) {
        String arch = f.architecture();
        String driver = driverEvidence(f);
        switch (arch) {
            case "x86_64" -> {
                String evidence = "x86_64" + int8Hint(f) + ", " + driver;
                return f.nvidiaDriverPresent()
                        ? new JetsonModules.Choice("x86_64-cuda", evidence + " -> x86_64-cuda")
                        : new JetsonModules.Choice("x86_64-cpu", evidence + " -> x86_64-cpu");
            }
            case "aarch64" -> {
                String board =
                        f.model() == null
                                ? ""
                                : " (device-tree model '"
                                        + JetsonModules.printable(f.model())
                                        + "')";
                String evidence = "aarch64" + board + int8Hint(f) + ", not a Jetson";
                if (f.nvidiaDriverPresent()) {
                    evidence +=
                            "; "
                                    + driver
                                    + ", but there is no arm64 CUDA profile (ONNX Runtime"
                                    + " publishes no linux-aarch64 GPU build for Java)";
                }
                return new JetsonModules.Choice("arm64-cpu", evidence + " -> arm64-cpu");
            }
            case "x86" -> {
                return new JetsonModules.Choice(
                        "x86_64-cpu",
                        "32-bit x86 CPU (no 'lm' flag), which ONNX Runtime does not support;"
                                + " nearest is x86_64-cpu (a guess)");
            }
            case "armv7" -> {
                return new JetsonModules.Choice(
                        "arm64-cpu",
                        "32-bit ARM (armv7: 'neon' in Features, no 'asimd'), which ONNX Runtime's"
                                + " Java package does not support; nearest is arm64-cpu (a guess)");
            }
            default -> {
                if (f.nvidiaDriverPresent()) {
                    return new JetsonModules.Choice(
                            "x86_64-cuda",
                            "architecture unknown (no readable /proc/cpuinfo), "
                                    + driver
                                    + " -> x86_64-cuda (a guess)");
                }
                // Of the CPU-only profiles, arm64-cpu asks least of the machine.
                return new JetsonModules.Choice(
                        "arm64-cpu",
                        "architecture unknown (no readable /proc/cpuinfo), no NVIDIA driver ->"
                                + " arm64-cpu, the smallest CPU-only profile (a guess)");
            }
        }
    }

    private static String driverEvidence(MachineFacts f) {
        if (f.nvidiaDriverVersion() != null) {
            return "NVIDIA driver present (/proc/driver/nvidia/version: "
                    + JetsonModules.printable(f.nvidiaDriverVersion())
                    + ")";
        }
        if (f.devNvidia0()) {
            return "NVIDIA driver present (/dev/nvidia0; /proc/driver/nvidia/version absent)";
        }
        return "no NVIDIA driver (/proc/driver/nvidia/version absent)";
    }

    /** Names the CPU's INT8 dot-product instructions, which decide how well INT8 models run. */
    private static String int8Hint(MachineFacts f) {
        List<String> found = new ArrayList<>();
        for (String flag : List.of("amx_int8", "avx512_vnni", "avx_vnni", "asimddp", "i8mm")) {
            if (f.cpuFlags().contains(flag)) {
                found.add(flag);
            }
        }
        if (f.architecture().equals("x86_64") && found.isEmpty()) {
            return f.cpuFlags().contains("avx2") ? " with avx2, no VNNI" : " without avx2";
        }
        return found.isEmpty() ? "" : " with " + String.join(", ", found);
    }

    private static String withNotes(String reason, MachineFacts f) {
        StringBuilder sb = new StringBuilder(reason);
        if (f.compatibleGarbled()) {
            sb.append("; note: /proc/device-tree/compatible held unreadable entries, ignored");
        }
        if (f.memTotalBytes() == 0 && !reason.contains("MemTotal unknown")) {
            sb.append("; note: MemTotal unknown (/proc/meminfo missing or without MemTotal)");
        }
        return sb.toString();
    }
}
