package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The records check themselves, whoever builds them (the runtime may, without a file). */
class ProfileRecordsTest {

    private static final TensorRtOptions TRT =
            new TensorRtOptions(true, true, "/var/cache/edgetwin/tensorrt", 0, 1L << 30);
    private static final CudaOptions CUDA = new CudaOptions(0, 1L << 30);
    private static final CpuOptions CPU = new CpuOptions(4, 1, false);
    private static final PipelineBudget PIPELINE = new PipelineBudget(1280, 720, 30, 256, 40, 10);

    private static Map<ModelRole, Precision> precision(Precision detector, Precision scorer) {
        Map<ModelRole, Precision> m = new EnumMap<>(ModelRole.class);
        m.put(ModelRole.DETECTOR, detector);
        m.put(ModelRole.TRAJECTORY_SCORER, scorer);
        return m;
    }

    private static DeviceProfile profile(
            List<ExecutionProvider> eps,
            Map<ModelRole, Precision> precision,
            TensorRtOptions trt,
            long memory,
            List<ThermalZone> zones) {
        return new DeviceProfile(
                "test", 1, "a test", eps, precision, trt, CUDA, CPU, PIPELINE, memory, zones);
    }

    private static final List<ExecutionProvider> ALL =
            List.of(ExecutionProvider.TENSORRT, ExecutionProvider.CUDA, ExecutionProvider.CPU);

    @Test
    void aValidProfileKeepsCopiesNotTheCallersCollections() {
        List<ExecutionProvider> eps = new ArrayList<>(ALL);
        Map<ModelRole, Precision> precision = precision(Precision.INT8, Precision.FP16);
        List<ThermalZone> zones = new ArrayList<>(List.of(new ThermalZone("cpu-thermal", 90)));

        DeviceProfile p = profile(eps, precision, TRT, 4L << 30, zones);
        eps.clear();
        precision.clear();
        zones.clear();

        assertEquals(ALL, p.executionProviders());
        assertEquals(Precision.INT8, p.precisionFor(ModelRole.DETECTOR));
        assertEquals(1, p.thermalZones().size());
        assertThrows(
                UnsupportedOperationException.class,
                () -> p.precision().put(ModelRole.DETECTOR, Precision.FP32));
        assertThrows(UnsupportedOperationException.class, () -> p.executionProviders().clear());
    }

    @Test
    void profileRulesNameTheField() {
        Map<ModelRole, Precision> ok = precision(Precision.INT8, Precision.FP16);
        expect(
                "executionProviders: missing (at least cpu)",
                () -> profile(List.of(), ok, TRT, 1, List.of()));
        expect(
                "executionProviders: cuda,tensorrt does not end with cpu (the fallback that always"
                        + " runs)",
                () ->
                        profile(
                                List.of(ExecutionProvider.CUDA, ExecutionProvider.TENSORRT),
                                ok,
                                TRT,
                                1,
                                List.of()));
        expect(
                "executionProviders: cpu is listed twice in cpu,cpu",
                () ->
                        profile(
                                List.of(ExecutionProvider.CPU, ExecutionProvider.CPU),
                                ok,
                                TRT,
                                1,
                                List.of()));
        expect(
                "precision.trajectory_scorer: missing",
                () -> profile(ALL, Map.of(ModelRole.DETECTOR, Precision.INT8), TRT, 1, List.of()));
        expect(
                "memoryBudgetBytes: 0 is not a positive size",
                () -> profile(ALL, ok, TRT, 0, List.of()));
        expect(
                "thermalZones: a is listed twice",
                () ->
                        profile(
                                ALL,
                                ok,
                                TRT,
                                1,
                                List.of(new ThermalZone("a", 90), new ThermalZone("a", 80))));
        expect("tensorrt: missing", () -> profile(ALL, ok, null, 1, List.of()));
        expect(
                "id: 'My Robot' is not a profile id (lower-case letters, digits, '.', '_', '-')",
                () ->
                        new DeviceProfile(
                                "My Robot",
                                1,
                                "d",
                                ALL,
                                ok,
                                TRT,
                                CUDA,
                                CPU,
                                PIPELINE,
                                1,
                                List.of()));
        expect(
                "version: 0 is not 1 or more",
                () ->
                        new DeviceProfile(
                                "x", 0, "d", ALL, ok, TRT, CUDA, CPU, PIPELINE, 1, List.of()));
    }

    @Test
    void tensorRtMustBeAllowedThePrecisionsTheModelsUse() {
        TensorRtOptions fp16Only =
                new TensorRtOptions(true, false, "/var/cache/edgetwin/tensorrt", null, 1L << 30);
        expect(
                "precision.detector: int8 with tensorrt in executionProviders needs tensorrt.int8:"
                        + " true (TensorRT builds INT8 models only with INT8 enabled)",
                () ->
                        profile(
                                ALL,
                                precision(Precision.INT8, Precision.FP16),
                                fp16Only,
                                1,
                                List.of()));

        // Without TensorRT in the list its options do not matter.
        DeviceProfile cudaOnly =
                profile(
                        List.of(ExecutionProvider.CUDA, ExecutionProvider.CPU),
                        precision(Precision.INT8, Precision.FP16),
                        TensorRtOptions.DEFAULTS,
                        1,
                        List.of());
        assertFalse(cudaOnly.tensorrt().int8());
    }

    @Test
    void optionRecordsNameTheFieldAndTheValue() {
        expect(
                "tensorrt.engineCacheDir: 'trt' is not an absolute path",
                () -> new TensorRtOptions(true, true, "trt", null, 1));
        expect(
                "tensorrt.engineCacheDir: missing",
                () -> new TensorRtOptions(true, true, " ", null, 1));
        expect(
                "tensorrt.dlaCore: -1 is not a DLA core (0 or 1; none for GPU only)",
                () -> new TensorRtOptions(true, true, "/t", -1, 1));
        expect(
                "tensorrt.dlaCore: 0 needs tensorrt.fp16 or tensorrt.int8 true: the DLA has no FP32"
                        + " kernels",
                () -> new TensorRtOptions(false, false, "/t", 0, 1));
        expect(
                "tensorrt.workspaceBytes: 0 is not a positive size",
                () -> new TensorRtOptions(true, true, "/t", null, 0));
        expect(
                "cuda.memoryLimitBytes: -1 is negative (0 = no limit)",
                () -> new CudaOptions(0, -1));
        expect(
                "cpu.interOpThreads: 300 is not in 0..256 (0 = ONNX Runtime's default)",
                () -> new CpuOptions(0, 300, false));
        expect(
                "pipeline.cameraHeight: 9000 is not in 1..8192",
                () -> new PipelineBudget(640, 9000, 10, 1, 1, 1));
        expect(
                "pipeline.plannerRateHz: Infinity is not a rate above 0 and at most 1000.0",
                () -> new PipelineBudget(640, 480, 10, 1, 1, Double.POSITIVE_INFINITY));
        expect(
                "pipeline.plannerHorizonT: 0 is not in 1..4096",
                () -> new PipelineBudget(640, 480, 10, 1, 0, 1));
        expect(
                "thermalZones: 'cpu thermal' is not a thermal zone type (letters, digits, '_', '.',"
                        + " '-')",
                () -> new ThermalZone("cpu thermal", 90));
        expect(
                "thermalZones: cpu-thermal throttleCelsius NaN is not above 0 and at most 150.0",
                () -> new ThermalZone("cpu-thermal", Double.NaN));
    }

    @Test
    void detectedDeviceSortsAndCopiesItsFacts() {
        Set<String> flags = new HashSet<>(List.of("sse2", "avx2", "amx_int8"));
        DetectedDevice d =
                new DetectedDevice(
                        "x86_64-cpu", "why", "x86_64", null, null, null, flags, 0, false);
        flags.add("avx512f");

        assertEquals(List.of("amx_int8", "avx2", "sse2"), List.copyOf(d.cpuFlags()));
        assertEquals(List.of(), d.compatible());
        assertTrue(d.toString().contains("cpuFlags=3"), d.toString());
        expect(
                "memTotalBytes: -1 is negative (0 = unknown)",
                () -> new DetectedDevice("a", "b", "c", null, null, null, null, -1, false));
    }

    private static void expect(String message, Executable construction) {
        assertEquals(
                message, assertThrows(IllegalArgumentException.class, construction).getMessage());
    }
}
