package dev.edgetwin.runtime.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtProvider;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.profiles.DeviceProfile;
import dev.edgetwin.profiles.ExecutionProvider;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.runtime.TestProfiles;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.OnnxDetector;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceEngineTest {
    @TempDir static Path cache;
    static Path model;

    @BeforeAll
    static void generate() throws Exception {
        model = ModelCache.ensureReferenceDetector(cache);
    }

    /** The reference detector on the x86_64-cpu profile, checked against the detector contract. */
    private static LoadedModel loadOnCpu() throws InferenceException {
        return InferenceEngine.instance()
                .load(model, ModelRole.DETECTOR, TestProfiles.cpu(), ModelContract.detector());
    }

    private static boolean gpuBuild() {
        return InferenceEngine.instance().compiledProviders().contains(OrtProvider.CUDA);
    }

    @Test
    void tensorRtAndCudaRequestedOnACpuBuildFallBackToCpuNamingOnnxRuntimesReasons()
            throws Exception {
        Assumptions.assumeFalse(gpuBuild(), "this ONNX Runtime has CUDA compiled in");
        DeviceProfile profile = TestProfiles.cuda();
        assertEquals(
                List.of(ExecutionProvider.TENSORRT, ExecutionProvider.CUDA, ExecutionProvider.CPU),
                profile.executionProviders());
        try (LoadedModel loaded =
                InferenceEngine.instance()
                        .load(model, ModelRole.DETECTOR, profile, ModelContract.detector())) {
            ExecutionReport report = loaded.report();
            assertEquals(ExecutionProvider.CPU, report.used());
            assertFalse(report.gotFirstChoice());
            assertEquals(
                    List.of(ExecutionProvider.TENSORRT, ExecutionProvider.CUDA),
                    report.skipped().stream()
                            .map(ExecutionReport.SkippedProvider::provider)
                            .toList());
            for (ExecutionReport.SkippedProvider s : report.skipped()) {
                assertTrue(
                        s.reason()
                                .startsWith("not compiled into this ONNX Runtime (it offers [CPU]"),
                        s.reason());
            }
            // ONNX Runtime's own words follow ours.
            assertTrue(
                    report.skipped().get(1).reason().toLowerCase().contains("cuda"),
                    report.skipped().get(1).reason());
            assertTrue(
                    report.summary().contains("cuda not used: not compiled into"),
                    report.summary());
        }
    }

    @Test
    void aChainWithoutAWorkingProviderFailsWithEveryReason() throws Exception {
        Assumptions.assumeFalse(gpuBuild(), "this ONNX Runtime has CUDA compiled in");
        List<ExecutionProvider> gpuOnly =
                List.of(ExecutionProvider.TENSORRT, ExecutionProvider.CUDA);
        InferenceException e =
                assertThrows(
                        InferenceException.class,
                        () ->
                                InferenceEngine.instance()
                                        .load(
                                                model,
                                                ModelRole.DETECTOR,
                                                TestProfiles.cuda(),
                                                gpuOnly,
                                                ModelContract.detector()));
        assertEquals(InferenceException.Code.NO_EXECUTION_PROVIDER, e.code());
        assertEquals(2, e.refusals().size());
        assertTrue(
                e.getMessage().contains("tensorrt: not compiled")
                        && e.getMessage().contains("cuda: not compiled"),
                e.getMessage());
    }

    @Test
    void aModelThatDoesNotFitTheContractIsRejectedNamingBoth() {
        ModelContract wants =
                new ModelContract(
                        List.of(TensorSpec.of("images", OnnxJavaType.UINT8, 1, 3, 640, 640)),
                        List.of(TensorSpec.of(null, OnnxJavaType.FLOAT, 1, 84, 8400)));
        InferenceException e =
                assertThrows(
                        InferenceException.class,
                        () ->
                                InferenceEngine.instance()
                                        .load(
                                                model,
                                                ModelRole.DETECTOR,
                                                TestProfiles.cpu(),
                                                wants));
        assertEquals(InferenceException.Code.CONTRACT_MISMATCH, e.code());
        assertTrue(
                e.getMessage()
                        .contains(
                                "input 'images': expected uint8 [1, 3, 640, 640], the model has float32 [1, 3, 320, 320]"),
                e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                "output 'output0': expected float32 [1, 84, 8400], the model has float32 [1, 7, 1600]"),
                e.getMessage());
    }

    @Test
    void aMissingModelIsNamed() {
        InferenceException e =
                assertThrows(
                        InferenceException.class,
                        () ->
                                InferenceEngine.instance()
                                        .load(
                                                cache.resolve("nope.onnx"),
                                                ModelRole.DETECTOR,
                                                TestProfiles.cpu(),
                                                null));
        assertEquals(InferenceException.Code.MODEL_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("nope.onnx"), e.getMessage());
    }

    @Test
    void modelsAreWarmedUpBeforeTheyAreReady() throws Exception {
        try (LoadedModel loaded = loadOnCpu()) {
            assertEquals(InferenceEngine.WARMUP_RUNS, loaded.report().warmupRuns());
            assertTrue(loaded.report().warmupMillis() > 0);
        }
    }

    @Test
    void steadyStateDetectionCreatesNoTensorsAndAllocatesLittle() throws Exception {
        SimulatedCamera camera = new SimulatedCamera(FactoryScene.demo(1));
        RenderedFrame[] frames = new RenderedFrame[4];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = camera.render(i * 3.0, i);
        }
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (LoadedModel loaded = loadOnCpu();
                OnnxDetector detector =
                        OnnxDetector.forSession(
                                loaded.session(), model, OnnxDetector.Options.defaults())) {
            for (int i = 0; i < 20; i++) {
                detector.detect(frames[i % frames.length].frame());
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            int runs = 100;
            for (int i = 0; i < runs; i++) {
                detector.detect(frames[i % frames.length].frame());
            }
            long perRun = (threads.getCurrentThreadAllocatedBytes() - before) / runs;
            assertEquals(0, detector.runtimeAllocatedOutputs(), "ONNX Runtime allocated outputs");
            // A new input tensor would cost 1.2 MB a frame and a copied output 45 KB; what is left
            // is the decoder's few small objects.
            assertTrue(perRun < 16 * 1024, "allocated " + perRun + " bytes per detection");
        }
    }

    @Test
    void pinnedRunsCreateNoTensorsAfterConstruction() throws Exception {
        try (LoadedModel loaded = loadOnCpu();
                PinnedRunner runner = new PinnedRunner(loaded)) {
            int created = runner.tensorsCreated();
            assertEquals(2, created, "one input and one output");
            runner.input("images").put(0, 0.5f);
            for (int i = 0; i < 10; i++) {
                runner.run();
            }
            assertEquals(created, runner.tensorsCreated());
            assertEquals(0, runner.runtimeAllocatedOutputs());
            assertEquals(7 * 1600, runner.output("output0").capacity());
        }
    }
}
