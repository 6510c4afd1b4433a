package dev.edgetwin.runtime;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.profiles.DetectedDevice;
import dev.edgetwin.profiles.DeviceDetector;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.DeviceProfiles;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ProfileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The device profile the daemon runs with, and why: detected from the machine, named, or read from
 * a file, then overridden key by key.
 *
 * @param profile the effective profile, overrides applied
 * @param reason one line saying how it was chosen
 * @param detected what the machine looks like (detected even when the profile was named)
 */
public record ProfileSelection(DeviceProfile profile, String reason, DetectedDevice detected) {

    /** Detect the device and pick its profile. */
    public static final String AUTO = "auto";

    /**
     * @param spec {@value #AUTO}, a built-in profile id, or the path of a profile YAML file
     * @param overrides dotted keys such as {@code cpu.intraOpThreads=4}
     * @param root the filesystem root to detect the device from ("/" on a robot)
     */
    public static ProfileSelection resolve(String spec, Map<String, String> overrides, Path root)
            throws ProfileException {
        DetectedDevice detected = new DeviceDetector(root).detect();
        DeviceProfile base;
        String reason;
        if (spec == null || spec.isBlank() || spec.equals(AUTO)) {
            base = DeviceProfiles.builtIn(detected.profileId());
            reason = "detected: " + detected.reason();
        } else if (spec.contains("/")
                || spec.endsWith(".yaml")
                || spec.endsWith(".yml")
                || Files.isRegularFile(Path.of(spec))) {
            base = DeviceProfiles.load(Path.of(spec));
            reason =
                    "from file " + spec + " (the detector would pick " + detected.profileId() + ")";
        } else {
            base = DeviceProfiles.builtIn(spec);
            reason = "chosen by name (the detector would pick " + detected.profileId() + ")";
        }
        DeviceProfile effective = base;
        if (!overrides.isEmpty()) {
            effective = DeviceProfiles.withOverrides(base, overrides);
            reason +=
                    "; overridden: "
                            + new TreeMap<>(overrides)
                                    .entrySet().stream()
                                            .map(e -> e.getKey() + "=" + e.getValue())
                                            .collect(Collectors.joining(", "));
        }
        String cacheKey = "tensorrt.engineCacheDir";
        if (effective.executionProviders().contains(ExecutionProvider.TENSORRT)
                && !overrides.containsKey(cacheKey)
                && !writable(Path.of(effective.tensorrt().engineCacheDir()))) {
            // A technician's non-root run cannot write the system cache; engines still need a home.
            Path userCache = ModelCache.defaultDirectory().resolveSibling("tensorrt");
            effective =
                    DeviceProfiles.withOverrides(effective, Map.of(cacheKey, userCache.toString()));
            reason +=
                    "; TensorRT engine cache moved to "
                            + userCache
                            + " (the profile's is not writable)";
        }
        return new ProfileSelection(effective, reason, detected);
    }

    /** Whether {@code dir} exists and is writable, or could be created. */
    private static boolean writable(Path dir) {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p != null && Files.isDirectory(p) && Files.isWritable(p);
    }
}
