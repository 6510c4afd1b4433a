package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The built-in profiles checked against what the hardware has, from the vendors' specs. */
class BuiltInProfilesTest {

    private static final Set<String> ORIN_ZONES =
            Set.of(
                    "cpu-thermal",
                    "gpu-thermal",
                    "cv0-thermal",
                    "cv1-thermal",
                    "cv2-thermal",
                    "soc0-thermal",
                    "soc1-thermal",
                    "soc2-thermal",
                    "tj-thermal");
    private static final Set<String> XAVIER_ZONES =
            Set.of(
                    "AO-therm",
                    "AUX-therm",
                    "CPU-therm",
                    "GPU-therm",
                    "PMIC-Die",
                    "Tboard_tegra",
                    "Tdiode_tegra",
                    "thermal-fan-est");
    private static final Set<String> NANO_ZONES =
            Set.of(
                    "AO-therm",
                    "CPU-therm",
                    "GPU-therm",
                    "PLL-therm",
                    "PMIC-Die",
                    "thermal-fan-est");
    private static final Set<String> X86_ZONES = Set.of("x86_pkg_temp", "acpitz");

    /**
     * @param memoryGb the device's RAM (shared with the GPU on a Jetson); 0 where it varies
     * @param cpuCores 0 where it varies
     * @param gpu whether the profile should use TensorRT and CUDA
     * @param int8 whether the GPU (or CPU) runs INT8 fast: false only for the Nano's Maxwell GPU
     * @param thermalZoneNames the zone types the device's kernel really reports
     */
    record Hardware(
            String id,
            int memoryGb,
            int cpuCores,
            boolean gpu,
            boolean dla,
            boolean int8,
            Set<String> thermalZoneNames) {
        boolean jetson() {
            return id.startsWith("jetson-");
        }

        @Override
        public String toString() {
            return id;
        }
    }

    static List<Hardware> hardware() {
        return List.of(
                new Hardware("jetson-agx-orin-64gb", 64, 12, true, true, true, ORIN_ZONES),
                new Hardware("jetson-agx-orin-32gb", 32, 8, true, true, true, ORIN_ZONES),
                new Hardware("jetson-orin-nx-16gb", 16, 8, true, true, true, ORIN_ZONES),
                new Hardware("jetson-orin-nx-8gb", 8, 6, true, true, true, ORIN_ZONES),
                new Hardware("jetson-orin-nano-8gb", 8, 6, true, false, true, ORIN_ZONES),
                new Hardware("jetson-orin-nano-4gb", 4, 6, true, false, true, ORIN_ZONES),
                new Hardware("jetson-xavier-nx", 8, 6, true, true, true, XAVIER_ZONES),
                new Hardware("jetson-nano", 4, 4, true, false, false, NANO_ZONES),
                new Hardware("x86_64-cuda", 0, 0, true, false, true, X86_ZONES),
                new Hardware("x86_64-cpu", 0, 0, false, false, true, X86_ZONES),
                new Hardware("arm64-cpu", 4, 4, false, false, true, Set.of("cpu-thermal")));
    }

    @Test
    void everyProfileFileIsListedAndEveryListedIdHasAFile() throws Exception {
        Path dir = Path.of(DeviceProfiles.class.getResource("/profiles").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> onDisk =
                    files.map(p -> p.getFileName().toString())
                            .map(n -> n.endsWith(".yaml") ? n.substring(0, n.length() - 5) : n)
                            .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(onDisk, new TreeSet<>(DeviceProfiles.builtInIds()));
        }
        List<String> sorted = new ArrayList<>(DeviceProfiles.builtInIds());
        sorted.sort(null);
        assertEquals(sorted, DeviceProfiles.builtInIds());
        assertEquals(
                hardware().stream().map(Hardware::id).collect(Collectors.toSet()),
                Set.copyOf(DeviceProfiles.builtInIds()));
    }

    @ParameterizedTest
    @MethodSource("hardware")
    void profileFitsItsHardware(Hardware hw) throws ProfileException {
        DeviceProfile p = DeviceProfiles.builtIn(hw.id());

        assertEquals(hw.id(), p.id());
        assertTrue(p.version() >= 1);
        if (hw.gpu()) {
            assertEquals(
                    List.of(
                            ExecutionProvider.TENSORRT,
                            ExecutionProvider.CUDA,
                            ExecutionProvider.CPU),
                    p.executionProviders(),
                    "fastest first: TensorRT, then CUDA, then CPU");
            assertTrue(p.tensorrt().fp16(), "every GPU here has FP16");
            assertEquals(hw.int8(), p.tensorrt().int8());
            assertEquals(0, p.cuda().deviceId());
        } else {
            assertEquals(List.of(ExecutionProvider.CPU), p.executionProviders());
        }
        assertEquals(
                hw.dla(), p.tensorrt().dlaCore() != null, "DLA core only where there is a DLA");
        if (!hw.int8()) {
            for (ModelRole role : ModelRole.values()) {
                assertFalse(
                        p.precisionFor(role) == Precision.INT8, role + " on a GPU without INT8");
            }
        }
        if (hw.jetson()) {
            long ram = (long) hw.memoryGb() << 30;
            assertTrue(p.memoryBudgetBytes() <= ram / 2, "leave half the RAM to the OS and robot");
            assertTrue(p.cuda().memoryLimitBytes() > 0, "shared memory: the GPU arena is bounded");
            assertTrue(
                    p.cuda().memoryLimitBytes() + p.tensorrt().workspaceBytes()
                            <= p.memoryBudgetBytes(),
                    "GPU arena and TensorRT workspace come out of the same shared budget");
            assertFalse(p.thermalZones().isEmpty());
        }
        if (hw.cpuCores() > 0) {
            assertTrue(
                    p.cpu().intraOpThreads() >= 1 && p.cpu().intraOpThreads() < hw.cpuCores(),
                    "leave a core to capture and planning");
        }
        for (ThermalZone zone : p.thermalZones()) {
            assertTrue(
                    hw.thermalZoneNames().contains(zone.type()),
                    zone.type() + " is not a zone this device reports");
        }
        for (ModelRole role : ModelRole.values()) {
            assertNotNull(p.precisionFor(role));
        }
    }

    @Test
    void theNanoRunsEverythingInFp16() throws ProfileException {
        DeviceProfile nano = DeviceProfiles.builtIn("jetson-nano");
        assertEquals(Precision.FP16, nano.precisionFor(ModelRole.DETECTOR));
        assertEquals(Precision.FP16, nano.precisionFor(ModelRole.TRAJECTORY_SCORER));
        assertFalse(nano.tensorrt().int8());
        assertNull(nano.tensorrt().dlaCore());
    }

    @Test
    void biggerMemoryVariantsGetAtLeastTheSmallerOnesBudgets() throws ProfileException {
        String[][] pairs = {
            {"jetson-agx-orin-64gb", "jetson-agx-orin-32gb"},
            {"jetson-orin-nx-16gb", "jetson-orin-nx-8gb"},
            {"jetson-orin-nano-8gb", "jetson-orin-nano-4gb"},
            {"jetson-agx-orin-32gb", "jetson-orin-nx-16gb"},
        };
        for (String[] pair : pairs) {
            DeviceProfile big = DeviceProfiles.builtIn(pair[0]);
            DeviceProfile small = DeviceProfiles.builtIn(pair[1]);
            String what = pair[0] + " vs " + pair[1];
            assertTrue(big.memoryBudgetBytes() > small.memoryBudgetBytes(), what);
            assertTrue(big.cuda().memoryLimitBytes() > small.cuda().memoryLimitBytes(), what);
            assertTrue(big.tensorrt().workspaceBytes() >= small.tensorrt().workspaceBytes(), what);
            assertTrue(big.pipeline().plannerBatchK() >= small.pipeline().plannerBatchK(), what);
            assertTrue(pixelRate(big) >= pixelRate(small), what);
        }
    }

    @Test
    void anUnknownIdIsNamedWithTheKnownOnes() {
        ProfileException e =
                assertThrows(ProfileException.class, () -> DeviceProfiles.builtIn("jetson-orin"));
        assertEquals(ProfileException.Code.UNKNOWN_PROFILE, e.code());
        assertTrue(e.getMessage().contains("'jetson-orin'"), e.getMessage());
        for (String id : DeviceProfiles.builtInIds()) {
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
    }

    @Test
    void anIdThatLooksLikeAPathIsUnknownNotResolved() {
        for (String id : new String[] {"../profiles/x86_64-cpu", "profiles/x86_64-cpu", "", null}) {
            ProfileException e =
                    assertThrows(ProfileException.class, () -> DeviceProfiles.builtIn(id));
            assertEquals(ProfileException.Code.UNKNOWN_PROFILE, e.code(), String.valueOf(id));
        }
    }

    @ParameterizedTest
    @MethodSource("hardware")
    void toYamlReadsBackToAnEqualProfile(Hardware hw, @TempDir Path dir) throws Exception {
        DeviceProfile p = DeviceProfiles.builtIn(hw.id());
        Path file = dir.resolve("copy.yaml");
        Files.writeString(file, DeviceProfiles.toYaml(p));

        assertEquals(p, DeviceProfiles.load(file));
    }

    private static double pixelRate(DeviceProfile p) {
        PipelineBudget b = p.pipeline();
        return (double) b.cameraWidth() * b.cameraHeight() * b.cameraFps();
    }
}
