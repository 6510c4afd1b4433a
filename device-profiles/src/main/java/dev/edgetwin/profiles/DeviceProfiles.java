package dev.edgetwin.profiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in device profiles, user profile files, and overrides. Thread-safe: profiles are
 * immutable and built-in ones are parsed once.
 */
public final class DeviceProfiles {

    /** Also the file names under {@code profiles/} on the classpath. */
    private static final List<String> BUILT_IN_IDS =
            List.of(
                    "arm64-cpu",
                    "jetson-agx-orin-32gb",
                    "jetson-agx-orin-64gb",
                    "jetson-nano",
                    "jetson-orin-nano-4gb",
                    "jetson-orin-nano-8gb",
                    "jetson-orin-nx-16gb",
                    "jetson-orin-nx-8gb",
                    "jetson-xavier-nx",
                    "x86_64-cpu",
                    "x86_64-cuda");

    /** A profile is a few KiB; a file far larger than that is not one. */
    private static final int MAX_FILE_BYTES = 1 << 20;

    private static final Map<String, DeviceProfile> BUILT_IN = new ConcurrentHashMap<>();

    private DeviceProfiles() {}

    /** The ids {@link #builtIn(String)} knows, sorted. */
    public static List<String> builtInIds() {
        return BUILT_IN_IDS;
    }

    /**
     * The built-in profile {@code id}.
     *
     * @throws ProfileException {@code UNKNOWN_PROFILE} naming the id and listing the known ones
     */
    public static DeviceProfile builtIn(String id) throws ProfileException {
        if (id == null || !BUILT_IN_IDS.contains(id)) {
            throw new ProfileException(
                    ProfileException.Code.UNKNOWN_PROFILE,
                    "unknown device profile '"
                            + id
                            + "'; built-in profiles: "
                            + String.join(", ", BUILT_IN_IDS));
        }
        DeviceProfile cached = BUILT_IN.get(id);
        if (cached != null) {
            return cached;
        }
        String resource = "profiles/" + id + ".yaml";
        String yaml;
        try (InputStream in = DeviceProfiles.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new ProfileException(
                        ProfileException.Code.UNREADABLE,
                        "built-in profile "
                                + id
                                + " is missing from the classpath ("
                                + resource
                                + ")");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProfileException(
                    ProfileException.Code.UNREADABLE,
                    "cannot read built-in profile " + resource + ": " + e,
                    e);
        }
        DeviceProfile profile = ProfileYaml.read(yaml, "built-in profile " + resource);
        if (!profile.id().equals(id)) {
            throw ProfileException.invalid(
                    "built-in profile " + resource,
                    List.of("id: '" + profile.id() + "' is not the file's name '" + id + "'"));
        }
        BUILT_IN.put(id, profile);
        return profile;
    }

    /**
     * A whole profile from a YAML file (the format of the built-in ones; see the README).
     *
     * @throws ProfileException {@code UNREADABLE} if the file cannot be read, {@code INVALID}
     *     listing every bad, missing or unknown field otherwise
     */
    public static DeviceProfile load(Path yamlFile) throws ProfileException {
        byte[] bytes;
        try {
            if (Files.isDirectory(yamlFile)) {
                throw new ProfileException(
                        ProfileException.Code.UNREADABLE,
                        "cannot read device profile " + yamlFile + ": it is a directory");
            }
            try (InputStream in = Files.newInputStream(yamlFile)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new ProfileException(
                    ProfileException.Code.UNREADABLE,
                    "cannot read device profile " + yamlFile + ": no such file",
                    e);
        } catch (IOException e) {
            throw new ProfileException(
                    ProfileException.Code.UNREADABLE,
                    "cannot read device profile " + yamlFile + ": " + e,
                    e);
        }
        String source = yamlFile.toString();
        if (bytes.length > MAX_FILE_BYTES) {
            throw ProfileException.invalid(
                    source,
                    List.of("larger than " + ByteSizes.format(MAX_FILE_BYTES) + "; not a profile"));
        }
        String yaml;
        try {
            yaml =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes))
                            .toString();
        } catch (CharacterCodingException e) {
            throw ProfileException.invalid(source, List.of("not UTF-8 text"));
        }
        return ProfileYaml.read(yaml, source);
    }

    /**
     * {@code base} with fields replaced by dotted-key overrides such as {@code
     * cpu.intraOpThreads=4}, {@code precision.detector=fp16}, {@code executionProviders=cuda,cpu},
     * {@code tensorrt.dlaCore=none}, {@code memoryBudgetBytes=2GiB} or {@code
     * thermalZones=cpu-thermal:85,gpu-thermal:85}. All overrides are applied before the result is
     * checked, so related fields can change together ({@code precision.detector=int8} with {@code
     * tensorrt.int8=true}). {@link #overridableKeys()} lists the keys.
     *
     * @throws ProfileException {@code INVALID} naming every unknown key and every bad value
     */
    public static DeviceProfile withOverrides(
            DeviceProfile base, Map<String, String> dottedOverrides) throws ProfileException {
        if (dottedOverrides.isEmpty()) {
            return base;
        }
        ProfileBuilder b = ProfileBuilder.from(base);
        // Sorted so that the problems come out in the same order whatever map the caller used.
        Map<String, String> sorted = new TreeMap<>();
        List<String> nullKeys = new ArrayList<>();
        for (Map.Entry<String, String> e : dottedOverrides.entrySet()) {
            if (e.getKey() == null) {
                nullKeys.add("an override has no key");
            } else {
                sorted.put(e.getKey().trim(), e.getValue());
            }
        }
        nullKeys.forEach(b::problem);
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            b.set(e.getKey(), e.getValue());
        }
        return b.build("overrides of device profile " + base.id());
    }

    /** The dotted keys {@link #withOverrides} accepts, in the order the README lists them. */
    public static List<String> overridableKeys() {
        return ProfileBuilder.overridableKeys();
    }

    /**
     * The profile as a YAML file that {@link #load(Path)} reads back to an equal profile: what a
     * technician starts from to write their own, or checks to see the effective values.
     */
    public static String toYaml(DeviceProfile profile) {
        return ProfileYaml.write(profile);
    }
}
