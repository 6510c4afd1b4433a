package dev.edgetwin.profiles;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link DeviceDetector} found and which built-in profile it chose.
 *
 * @param profileId a built-in profile id ({@link DeviceProfiles#builtInIds()})
 * @param reason why, in words, e.g. {@code device-tree compatible nvidia,p3768-0000+p3767-0003 ->
 *     Jetson Orin Nano 8GB}; contains "guess" when no fact pinned the device down
 * @param architecture {@code x86_64}, {@code aarch64}, {@code x86}, {@code armv7} or {@code
 *     unknown}, from {@code /proc/cpuinfo}
 * @param model {@code /proc/device-tree/model}, or null where there is none (x86)
 * @param compatible {@code /proc/device-tree/compatible}, most specific first; empty where none
 * @param l4tRelease the Jetson Linux release from {@code /etc/nv_tegra_release}, e.g. {@code
 *     36.3.0}, or null
 * @param cpuFlags x86 {@code flags} or arm64 {@code Features} from {@code /proc/cpuinfo}, sorted
 * @param memTotalBytes {@code MemTotal} from {@code /proc/meminfo}; 0 when unknown
 * @param nvidiaDriverPresent whether the discrete-GPU NVIDIA driver is loaded ({@code
 *     /proc/driver/nvidia/version} or {@code /dev/nvidia0}); false on a Jetson, whose integrated
 *     GPU has a different driver
 */
public record DetectedDevice(
        String profileId,
        String reason,
        String architecture,
        String model,
        List<String> compatible,
        String l4tRelease,
        Set<String> cpuFlags,
        long memTotalBytes,
        boolean nvidiaDriverPresent) {

    public DetectedDevice {
        if (profileId == null || profileId.isBlank()) {
            throw new IllegalArgumentException("profileId: missing");
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason: missing");
        }
        if (architecture == null || architecture.isBlank()) {
            throw new IllegalArgumentException("architecture: missing (use unknown)");
        }
        compatible = compatible == null ? List.of() : List.copyOf(compatible);
        cpuFlags =
                cpuFlags == null
                        ? Collections.emptySortedSet()
                        : Collections.unmodifiableSortedSet(new TreeSet<>(cpuFlags));
        if (memTotalBytes < 0) {
            throw new IllegalArgumentException(
                    "memTotalBytes: " + memTotalBytes + " is negative (0 = unknown)");
        }
    }

    /** {@code toString} without the flag list, which runs to a hundred entries on x86. */
    @Override
    public String toString() {
        return "DetectedDevice[profileId="
                + profileId
                + ", reason="
                + reason
                + ", architecture="
                + architecture
                + ", model="
                + model
                + ", compatible="
                + compatible
                + ", l4tRelease="
                + l4tRelease
                + ", cpuFlags="
                + cpuFlags.size()
                + ", memTotalBytes="
                + memTotalBytes
                + ", nvidiaDriverPresent="
                + nvidiaDriverPresent
                + "]";
    }
}
