package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DeviceDetectorTest {

    /**
     * One fixture tree under src/test/resources/fixtures and what detection must make of it.
     *
     * @param reasonParts substrings the reason must contain, in this order
     * @param guess whether the reason must say it is a guess (and must not, otherwise)
     */
    record Case(String fixture, String profileId, boolean guess, List<String> reasonParts) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case(
                        "jetson-agx-orin-64gb",
                        "jetson-agx-orin-64gb",
                        false,
                        List.of("nvidia,p3737-0000+p3701-0005", "-> Jetson AGX Orin 64GB")),
                new Case(
                        "jetson-agx-orin-32gb",
                        "jetson-agx-orin-32gb",
                        false,
                        List.of("nvidia,p3737-0000+p3701-0004", "-> Jetson AGX Orin 32GB")),
                new Case(
                        "jetson-agx-orin-devkit-p3701-0000",
                        "jetson-agx-orin-64gb",
                        false,
                        List.of("p3701-0000", "developer kit", "MemTotal 61.4 GiB -> 64 GB")),
                new Case(
                        "jetson-agx-orin-devkit-no-meminfo",
                        "jetson-agx-orin-32gb",
                        true,
                        List.of("p3701-0000", "MemTotal unknown -> the smaller")),
                new Case(
                        "jetson-agx-orin-unknown-sku",
                        "jetson-agx-orin-64gb",
                        true,
                        List.of("p3701-0002", "SKU not known", "MemTotal 61.4 GiB")),
                new Case(
                        "jetson-orin-nx-16gb",
                        "jetson-orin-nx-16gb",
                        false,
                        List.of("nvidia,p3768-0000+p3767-0000", "-> Jetson Orin NX 16GB")),
                new Case(
                        "jetson-orin-nx-8gb",
                        "jetson-orin-nx-8gb",
                        false,
                        List.of("nvidia,p3768-0000+p3767-0001", "-> Jetson Orin NX 8GB")),
                new Case(
                        "jetson-orin-nano-8gb",
                        "jetson-orin-nano-8gb",
                        false,
                        List.of("nvidia,p3768-0000+p3767-0003", "-> Jetson Orin Nano 8GB")),
                new Case(
                        "jetson-orin-nano-devkit",
                        "jetson-orin-nano-8gb",
                        false,
                        List.of("p3767-0005", "-> Jetson Orin Nano 8GB (developer kit)")),
                new Case(
                        "jetson-orin-nano-4gb",
                        "jetson-orin-nano-4gb",
                        false,
                        List.of("nvidia,p3768-0000+p3767-0004", "-> Jetson Orin Nano 4GB")),
                new Case(
                        "jetson-orin-nano-8gb-low-memory",
                        "jetson-orin-nano-8gb",
                        false,
                        List.of("p3767-0005", "MemTotal 3.4 GiB is well below the module's 8 GB")),
                new Case(
                        "jetson-orin-unknown-module",
                        "jetson-orin-nx-16gb",
                        true,
                        List.of("nvidia,tegra234, module not recognised", "MemTotal 15.2 GiB")),
                new Case(
                        "jetson-orin-model-only",
                        "jetson-orin-nx-16gb",
                        false,
                        List.of(
                                "model 'NVIDIA Jetson Orin NX Developer Kit'",
                                "-> 16 GB -> jetson-orin-nx-16gb")),
                new Case(
                        "jetson-container-no-device-tree",
                        "jetson-orin-nano-8gb",
                        true,
                        List.of("L4T 36.3.0", "CPU part 0xd42", "assumes no DLA")),
                new Case(
                        "jetson-xavier-nx-devkit",
                        "jetson-xavier-nx",
                        false,
                        List.of("nvidia,p3509-0000+p3668-0000", "-> Jetson Xavier NX")),
                new Case(
                        "jetson-xavier-nx-16gb",
                        "jetson-xavier-nx",
                        false,
                        List.of("p3668-0003", "Jetson Xavier NX 16GB", "headroom")),
                new Case(
                        "jetson-agx-xavier",
                        "jetson-xavier-nx",
                        true,
                        List.of(
                                "p2888-0004",
                                "Jetson AGX Xavier module p2888-0004;",
                                "nearest is jetson-xavier-nx")),
                new Case(
                        "jetson-nano-devkit",
                        "jetson-nano",
                        false,
                        List.of("nvidia,p3449-0000-b00+p3448-0000", "-> Jetson Nano")),
                new Case(
                        "jetson-nano-2gb",
                        "jetson-nano",
                        false,
                        List.of("p3448-0003", "Jetson Nano 2GB", "budgeted for 4 GB")),
                new Case(
                        "jetson-tx2",
                        "jetson-nano",
                        true,
                        List.of("nvidia,tegra186", "TX2", "nearest is jetson-nano")),
                new Case(
                        "jetson-garbled-release",
                        "jetson-nano",
                        true,
                        List.of("unreadable /etc/nv_tegra_release", "CPU part 0xd07")),
                new Case(
                        "x86_64-cpu",
                        "x86_64-cpu",
                        false,
                        List.of(
                                "x86_64 with amx_int8, avx512_vnni, avx_vnni",
                                "no NVIDIA driver (/proc/driver/nvidia/version absent)",
                                "-> x86_64-cpu")),
                new Case(
                        "x86_64-cuda",
                        "x86_64-cuda",
                        false,
                        List.of("x86_64 with avx2, no VNNI", "NVRM version", "550.54.14")),
                new Case(
                        "x86_64-cuda-dev-node-only",
                        "x86_64-cuda",
                        false,
                        List.of("/dev/nvidia0", "-> x86_64-cuda")),
                new Case(
                        "x86_64-empty-meminfo",
                        "x86_64-cpu",
                        false,
                        List.of("-> x86_64-cpu", "MemTotal unknown")),
                new Case(
                        "arm64-cpu-raspberry-pi-5",
                        "arm64-cpu",
                        false,
                        List.of("aarch64", "Raspberry Pi 5 Model B", "asimddp", "not a Jetson")),
                new Case(
                        "arm64-server-nvidia",
                        "arm64-cpu",
                        false,
                        List.of("aarch64 with asimddp, i8mm", "no arm64 CUDA profile")),
                new Case(
                        "arm64-garbled-device-tree",
                        "arm64-cpu",
                        false,
                        List.of("aarch64", "unreadable entries", "MemTotal unknown")),
                new Case(
                        "armv7-raspberry-pi-os-32bit",
                        "arm64-cpu",
                        true,
                        List.of("32-bit ARM", "nearest is arm64-cpu")));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void choosesTheProfileAndSaysWhy(Case c) throws Exception {
        DetectedDevice d = new DeviceDetector(fixture(c.fixture())).detect();

        assertEquals(c.profileId(), d.profileId(), d.reason());
        assertTrue(DeviceProfiles.builtInIds().contains(d.profileId()));
        int from = 0;
        for (String part : c.reasonParts()) {
            int at = d.reason().indexOf(part, from);
            assertTrue(at >= 0, "reason lacks '" + part + "' (in order): " + d.reason());
            from = at + part.length();
        }
        assertEquals(c.guess(), d.reason().contains("guess"), d.reason());
        // The chosen profile must load: detection is useless if its answer does not.
        DeviceProfiles.builtIn(d.profileId());
    }

    @Test
    void everyBuiltInProfileIsDetectedFromSomeFixtureWithoutGuessing() {
        Set<String> detected =
                cases().stream()
                        .filter(c -> !c.guess())
                        .map(Case::profileId)
                        .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(DeviceProfiles.builtInIds()), detected);
    }

    @Test
    void everyFixtureDirectoryHasACase() throws Exception {
        Set<String> named = cases().stream().map(Case::fixture).collect(Collectors.toSet());
        try (Stream<Path> dirs = Files.list(fixture("."))) {
            Set<String> onDisk =
                    dirs.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(onDisk, named);
        }
    }

    @Test
    void readsTheFactsOfAJetson() throws Exception {
        DetectedDevice d = new DeviceDetector(fixture("jetson-orin-nano-devkit")).detect();

        assertEquals("aarch64", d.architecture());
        assertEquals("NVIDIA Jetson Orin Nano Developer Kit", d.model());
        assertEquals(
                List.of("nvidia,p3768-0000+p3767-0005", "nvidia,p3767-0005", "nvidia,tegra234"),
                d.compatible());
        assertEquals("36.3.0", d.l4tRelease());
        assertEquals(7620172L * 1024, d.memTotalBytes());
        assertTrue(
                d.cpuFlags().containsAll(Set.of("asimd", "asimddp", "fp")), d.cpuFlags()::toString);
        assertFalse(d.nvidiaDriverPresent());
    }

    @Test
    void readsTheL4tReleaseOfOlderJetsonLinux() throws Exception {
        assertEquals("35.4.1", detect("jetson-agx-orin-32gb").l4tRelease());
        assertEquals("32.7.4", detect("jetson-nano-devkit").l4tRelease());
        assertNull(detect("jetson-garbled-release").l4tRelease());
    }

    @Test
    void readsTheFactsOfAnX86Machine() throws Exception {
        DetectedDevice cpu = detect("x86_64-cpu");
        assertEquals("x86_64", cpu.architecture());
        assertNull(cpu.model());
        assertEquals(List.of(), cpu.compatible());
        assertNull(cpu.l4tRelease());
        assertTrue(
                cpu.cpuFlags().containsAll(Set.of("avx2", "avx512f", "avx512_vnni", "amx_int8")));
        assertEquals(32823944L * 1024, cpu.memTotalBytes());
        assertFalse(cpu.nvidiaDriverPresent());

        assertTrue(detect("x86_64-cuda").nvidiaDriverPresent());
        assertTrue(detect("x86_64-cuda-dev-node-only").nvidiaDriverPresent());
        assertEquals(0, detect("x86_64-empty-meminfo").memTotalBytes());
    }

    @Test
    void garbledDeviceTreeEntriesAreDroppedNotPassedOn() throws Exception {
        DetectedDevice d = detect("arm64-garbled-device-tree");
        assertEquals(List.of(), d.compatible());
        assertEquals(0, d.memTotalBytes(), "'MemTotal: lots kB' is not a number");
    }

    @Test
    void anEmptyRootIsAGuessNotAFailure(@TempDir Path empty) {
        DetectedDevice d = new DeviceDetector(empty).detect();

        assertEquals("arm64-cpu", d.profileId());
        assertTrue(d.reason().contains("architecture unknown"), d.reason());
        assertTrue(d.reason().contains("guess"), d.reason());
        assertEquals("unknown", d.architecture());
        assertEquals(0, d.memTotalBytes());
        assertNull(d.model());
    }

    @Test
    void aJetsonWithoutCpuinfoIsStillArm64(@TempDir Path root) throws IOException {
        Path dt = Files.createDirectories(root.resolve("proc/device-tree"));
        Files.write(
                dt.resolve("compatible"),
                "nvidia,p3768-0000+p3767-0004\0nvidia,p3767-0004\0nvidia,tegra234\0".getBytes());

        DetectedDevice d = new DeviceDetector(root).detect();

        assertEquals("jetson-orin-nano-4gb", d.profileId());
        assertEquals("aarch64", d.architecture());
        assertTrue(d.reason().contains("MemTotal unknown"), d.reason());
    }

    @Test
    void jetsonFilesOnAnX86MachineDoNotMakeItAJetson(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("proc/device-tree"));
        Files.createDirectories(root.resolve("etc"));
        Files.copy(fixture("x86_64-cpu").resolve("proc/cpuinfo"), root.resolve("proc/cpuinfo"));
        Files.copy(
                fixture("jetson-orin-nano-devkit").resolve("etc/nv_tegra_release"),
                root.resolve("etc/nv_tegra_release"));
        Files.copy(
                fixture("jetson-orin-nano-devkit").resolve("proc/device-tree/compatible"),
                root.resolve("proc/device-tree/compatible"));

        DetectedDevice d = new DeviceDetector(root).detect();

        assertEquals("x86_64-cpu", d.profileId(), d.reason());
        assertEquals("36.3.0", d.l4tRelease(), "the facts are still reported");
    }

    @Test
    void aDirectoryWhereAFileShouldBeCountsAsMissing(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("proc/cpuinfo"));
        Files.createDirectories(root.resolve("proc/meminfo"));

        DetectedDevice d = new DeviceDetector(root).detect();

        assertEquals("arm64-cpu", d.profileId());
        assertEquals("unknown", d.architecture());
    }

    private static DetectedDevice detect(String fixture) throws URISyntaxException {
        return new DeviceDetector(fixture(fixture)).detect();
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(DeviceDetectorTest.class.getResource("/fixtures").toURI()).resolve(name);
    }
}
