package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileOverridesTest {

    /** An override and what the overridden profile must then say. */
    record Good(String key, String value, Function<DeviceProfile, Object> field, Object expected) {
        @Override
        public String toString() {
            return key + "=" + value;
        }
    }

    static List<Good> goodOverrides() {
        return List.of(
                new Good("cpu.intraOpThreads", "4", p -> p.cpu().intraOpThreads(), 4),
                new Good("cpu.interOpThreads", "2", p -> p.cpu().interOpThreads(), 2),
                new Good("cpu.spinning", "TRUE", p -> p.cpu().spinning(), true),
                new Good(
                        "precision.detector",
                        "fp16",
                        p -> p.precisionFor(ModelRole.DETECTOR),
                        Precision.FP16),
                new Good(
                        "precision.trajectory_scorer",
                        "int8",
                        p -> p.precisionFor(ModelRole.TRAJECTORY_SCORER),
                        Precision.INT8),
                new Good(
                        "executionProviders",
                        "cuda, cpu",
                        DeviceProfile::executionProviders,
                        List.of(ExecutionProvider.CUDA, ExecutionProvider.CPU)),
                new Good(
                        "tensorrt.engineCacheDir",
                        "/var/cache/x",
                        p -> p.tensorrt().engineCacheDir(),
                        "/var/cache/x"),
                new Good("tensorrt.dlaCore", "1", p -> p.tensorrt().dlaCore(), 1),
                new Good(
                        "tensorrt.workspaceBytes",
                        "512MiB",
                        p -> p.tensorrt().workspaceBytes(),
                        512L << 20),
                new Good("cuda.deviceId", "1", p -> p.cuda().deviceId(), 1),
                new Good("cuda.memoryLimitBytes", "0", p -> p.cuda().memoryLimitBytes(), 0L),
                new Good("pipeline.cameraWidth", "640", p -> p.pipeline().cameraWidth(), 640),
                new Good("pipeline.cameraHeight", "480", p -> p.pipeline().cameraHeight(), 480),
                new Good("pipeline.cameraFps", "12.5", p -> p.pipeline().cameraFps(), 12.5),
                new Good("pipeline.plannerBatchK", "64", p -> p.pipeline().plannerBatchK(), 64),
                new Good("pipeline.plannerHorizonT", "20", p -> p.pipeline().plannerHorizonT(), 20),
                new Good("pipeline.plannerRateHz", "5", p -> p.pipeline().plannerRateHz(), 5.0),
                new Good("memoryBudgetBytes", "3GiB", DeviceProfile::memoryBudgetBytes, 3L << 30),
                new Good(
                        "thermalZones",
                        "cpu-thermal:85, tj-thermal:88.5",
                        DeviceProfile::thermalZones,
                        List.of(
                                new ThermalZone("cpu-thermal", 85),
                                new ThermalZone("tj-thermal", 88.5))),
                new Good("thermalZones", "", DeviceProfile::thermalZones, List.of()),
                new Good("description", "robot 7", DeviceProfile::description, "robot 7"));
    }

    @ParameterizedTest
    @MethodSource("goodOverrides")
    void anOverrideChangesItsFieldAndNothingElse(Good o) throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn("jetson-orin-nx-16gb");

        DeviceProfile p = DeviceProfiles.withOverrides(base, Map.of(o.key(), o.value()));

        assertEquals(o.expected(), o.field().apply(p));
        assertEquals(linesApartFrom(o.key(), base), linesApartFrom(o.key(), p));
    }

    @Test
    void theDlaCanBeSwitchedOff() throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn("jetson-agx-orin-64gb");
        for (String none : new String[] {"none", "null", "", " NONE "}) {
            assertNull(
                    DeviceProfiles.withOverrides(base, Map.of("tensorrt.dlaCore", none))
                            .tensorrt()
                            .dlaCore(),
                    none);
        }
    }

    @Test
    void relatedOverridesAreCheckedTogetherNotOneByOne() throws ProfileException {
        DeviceProfile nano = DeviceProfiles.builtIn("jetson-nano");
        Map<String, String> both = new LinkedHashMap<>();
        both.put("precision.detector", "int8");
        both.put("tensorrt.int8", "true");

        DeviceProfile p = DeviceProfiles.withOverrides(nano, both);

        assertEquals(Precision.INT8, p.precisionFor(ModelRole.DETECTOR));
        assertTrue(p.tensorrt().int8());
    }

    @Test
    void addingAGpuProviderToACpuProfileUsesTheDefaultGpuOptions() throws ProfileException {
        DeviceProfile cpu = DeviceProfiles.builtIn("x86_64-cpu");

        DeviceProfile p =
                DeviceProfiles.withOverrides(cpu, Map.of("executionProviders", "cuda,cpu"));

        assertEquals(CudaOptions.DEFAULTS, p.cuda());
    }

    @Test
    void noOverridesGivesTheBaseItself() throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn("arm64-cpu");
        assertSame(base, DeviceProfiles.withOverrides(base, Map.of()));
    }

    /** A bad override: the profile it is applied to, and the exact problem it must produce. */
    record Bad(String profile, String key, String value, String problem) {
        @Override
        public String toString() {
            return profile + " " + key + "=" + value;
        }
    }

    static List<Bad> badOverrides() {
        String nx = "jetson-orin-nx-16gb";
        return List.of(
                new Bad(
                        nx,
                        "precision.detector",
                        "int4",
                        "precision.detector: 'int4' is not one of int8, fp16, fp32"),
                new Bad(
                        nx,
                        "precision.planner",
                        "fp16",
                        "unknown key 'precision.planner' (precision has detector,"
                                + " trajectory_scorer)"),
                new Bad(
                        nx,
                        "cpu.intraOpThreads",
                        "four",
                        "cpu.intraOpThreads: 'four' is not a whole number"),
                new Bad(
                        nx,
                        "cpu.intraOpThreads",
                        "-1",
                        "cpu.intraOpThreads: -1 is not in 0..256 (0 = ONNX Runtime's default)"),
                new Bad(
                        nx,
                        "cpu.intraOpThread",
                        "4",
                        "unknown key 'cpu.intraOpThread' (cpu has intraOpThreads,"
                                + " interOpThreads, spinning)"),
                new Bad(nx, "cpu.spinning", "yes", "cpu.spinning: 'yes' is not true or false"),
                new Bad(
                        nx,
                        "executionProviders",
                        "opencl,cpu",
                        "executionProviders: 'opencl' is not one of tensorrt, cuda, cpu"),
                new Bad(
                        nx,
                        "executionProviders",
                        "cpu,cuda",
                        "executionProviders: cpu,cuda does not end with cpu (the fallback that"
                                + " always runs)"),
                new Bad(
                        nx,
                        "executionProviders",
                        "cuda,cuda,cpu",
                        "executionProviders: cuda is listed twice in cuda,cuda,cpu"),
                new Bad(
                        nx,
                        "executionProviders",
                        " ",
                        "executionProviders: '' is empty (at least cpu)"),
                new Bad(
                        nx,
                        "tensorrt.workspaceBytes",
                        "2GB",
                        "tensorrt.workspaceBytes: '2GB' is not a size (bytes, or a number with"
                                + " KiB, MiB, GiB or TiB)"),
                new Bad(
                        nx,
                        "tensorrt.dlaCore",
                        "2",
                        "tensorrt.dlaCore: 2 is not a DLA core (0 or 1; none for GPU only)"),
                new Bad(
                        nx,
                        "tensorrt.dlaCore",
                        "gpu",
                        "tensorrt.dlaCore: 'gpu' is not a DLA core (0, 1, or none for GPU only)"),
                new Bad(
                        nx,
                        "tensorrt.engineCacheDir",
                        "cache/trt",
                        "tensorrt.engineCacheDir: 'cache/trt' is not an absolute path"),
                new Bad(
                        nx,
                        "cuda.deviceId",
                        "-1",
                        "cuda.deviceId: -1 is negative (CUDA devices count from 0)"),
                new Bad(
                        nx,
                        "pipeline.cameraFps",
                        "0",
                        "pipeline.cameraFps: 0.0 is not a rate above 0 and at most 240.0"),
                new Bad(
                        nx,
                        "pipeline.cameraFps",
                        "NaN",
                        "pipeline.cameraFps: 'NaN' is not a number"),
                new Bad(
                        nx,
                        "pipeline.plannerBatchK",
                        "0",
                        "pipeline.plannerBatchK: 0 is not in 1..65536"),
                new Bad(
                        nx,
                        "memoryBudgetBytes",
                        "0",
                        "memoryBudgetBytes: 0 is not a positive size"),
                new Bad(
                        nx,
                        "thermalZones",
                        "cpu-thermal",
                        "thermalZones: 'cpu-thermal' is not type:celsius (e.g. cpu-thermal:90)"),
                new Bad(
                        nx,
                        "thermalZones",
                        "cpu-thermal:500",
                        "thermalZones: cpu-thermal throttleCelsius 500.0 is not above 0 and at"
                                + " most 150.0"),
                new Bad(
                        nx,
                        "thermalZones",
                        "cpu-thermal:90,cpu-thermal:80",
                        "thermalZones: cpu-thermal is listed twice"),
                new Bad(
                        nx,
                        "gpu.deviceId",
                        "0",
                        "unknown key 'gpu.deviceId' (known: description, executionProviders,"
                                + " precision.*, tensorrt.*, cuda.*, cpu.*, pipeline.*,"
                                + " memoryBudgetBytes, thermalZones)"),
                new Bad(
                        nx,
                        "id",
                        "my-robot",
                        "id: cannot be overridden (load a profile file with its own id)"),
                new Bad(
                        nx,
                        "version",
                        "2",
                        "version: cannot be overridden (load a profile file with its own"
                                + " version)"),
                new Bad(
                        "jetson-nano",
                        "precision.detector",
                        "int8",
                        "precision.detector: int8 with tensorrt in executionProviders needs"
                                + " tensorrt.int8: true (TensorRT builds INT8 models only with INT8"
                                + " enabled)"),
                new Bad(
                        nx,
                        "tensorrt.fp16",
                        "false",
                        "precision.trajectory_scorer: fp16 with tensorrt in executionProviders"
                                + " needs tensorrt.fp16: true (without it TensorRT runs the model"
                                + " in FP32)"));
    }

    @ParameterizedTest
    @MethodSource("badOverrides")
    void aBadOverrideIsRejectedNamingTheFieldAndTheValue(Bad b) throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn(b.profile());

        ProfileException e =
                assertThrows(
                        ProfileException.class,
                        () -> DeviceProfiles.withOverrides(base, Map.of(b.key(), b.value())));

        assertEquals(ProfileException.Code.INVALID, e.code());
        assertEquals(List.of(b.problem()), e.problems());
        assertEquals(
                "overrides of device profile " + b.profile() + ": " + b.problem(), e.getMessage());
    }

    @Test
    void everyBadOverrideIsReportedAtOnce() throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn("x86_64-cpu");
        Map<String, String> overrides = new HashMap<>();
        overrides.put("precision.detector", "int4");
        overrides.put("cpu.intraOpThreads", "many");
        overrides.put("cpu.spin", "true");
        overrides.put("cpu.spinning", null);

        ProfileException e =
                assertThrows(
                        ProfileException.class,
                        () -> DeviceProfiles.withOverrides(base, overrides));

        assertEquals(
                List.of(
                        "cpu.intraOpThreads: 'many' is not a whole number",
                        "unknown key 'cpu.spin' (cpu has intraOpThreads, interOpThreads,"
                                + " spinning)",
                        "cpu.spinning: missing value",
                        "precision.detector: 'int4' is not one of int8, fp16, fp32"),
                e.problems());
        assertTrue(e.getMessage().contains("4 problems: "), e.getMessage());
    }

    @Test
    void overridesDoNotChangeTheBase() throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn("jetson-orin-nano-8gb");
        String before = DeviceProfiles.toYaml(base);

        DeviceProfiles.withOverrides(base, Map.of("cpu.intraOpThreads", "2"));

        assertEquals(before, DeviceProfiles.toYaml(base));
        assertEquals(before, DeviceProfiles.toYaml(DeviceProfiles.builtIn("jetson-orin-nano-8gb")));
    }

    @Test
    void everyOverridableKeyIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (String key : DeviceProfiles.overridableKeys()) {
            assertTrue(readme.contains("`" + key + "`"), key + " is not documented");
        }
        for (String key : List.of("schema", "id", "version")) {
            assertTrue(readme.contains("`" + key + "`"), key + " is not documented");
        }
    }

    @Test
    void everyOverridableKeyIsAccepted() throws ProfileException {
        DeviceProfile base = DeviceProfiles.builtIn("jetson-agx-orin-64gb");
        Map<String, String> same = new HashMap<>();
        for (String line : DeviceProfiles.toYaml(base).split("\n")) {
            // Feed each scalar back as an override: every key must parse what toYaml writes.
            int colon = line.indexOf(':');
            String key = colon < 0 ? "" : line.substring(0, colon).trim();
            String section = sectionOf(line, DeviceProfiles.toYaml(base));
            String dotted = section == null ? key : section + "." + key;
            if (DeviceProfiles.overridableKeys().contains(dotted)
                    && !dotted.equals("executionProviders")
                    && !dotted.equals("thermalZones")) {
                same.put(dotted, line.substring(colon + 1).trim().replace("\"", ""));
            }
        }
        assertEquals(DeviceProfiles.overridableKeys().size() - 2, same.size(), same::toString);

        assertEquals(base, DeviceProfiles.withOverrides(base, same));
    }

    private static String sectionOf(String line, String yaml) {
        if (!line.startsWith("  ")) {
            return null;
        }
        String section = null;
        for (String l : yaml.split("\n")) {
            if (!l.startsWith(" ") && l.endsWith(":")) {
                section = l.substring(0, l.length() - 1);
            }
            if (l.equals(line)) {
                return section;
            }
        }
        return null;
    }

    /** The profile's YAML lines without those that {@code key} writes. */
    private static List<String> linesApartFrom(String key, DeviceProfile p) {
        String field = key.contains(".") ? "  " + key.substring(key.indexOf('.') + 1) + ":" : key;
        List<String> kept = new ArrayList<>();
        for (String line : DeviceProfiles.toYaml(p).split("\n")) {
            boolean written =
                    line.startsWith(field + (key.contains(".") ? "" : ":"))
                            || (key.equals("thermalZones") && line.startsWith("  - {type"));
            if (!written) {
                kept.add(line);
            }
        }
        return kept;
    }
}
