package dev.edgetwin.modelkit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgetwin.modelkit.DetectorContract;
import dev.edgetwin.modelkit.ModelInspector;
import dev.edgetwin.modelkit.ModelReport;
import dev.edgetwin.modelkit.TensorDescription;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.sim.TrainingScenes;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.LetterboxPreprocessor;
import dev.edgetwin.vision.OnnxDetector;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default trained detector (400 training scenes of seed 1, trained once per test JVM) as the
 * runtime sees it: its contract, its provenance, and its accuracy on held-out scenes through the
 * vision module's {@link OnnxDetector}. The figures it prints are the ones in docs/models.md.
 */
class TrainedDetectorTest {
    /**
     * Held-out scenes for the accuracy gate: 200 of test seed 2, as in the model's metadata; more
     * with {@code -Dedgetwin.heldOutScenes=1000} (the figures in docs/models.md).
     */
    static final int HELD_OUT_SCENES = Integer.getInteger("edgetwin.heldOutScenes", 200);

    private static byte[] model;

    @TempDir Path dir;

    @BeforeAll
    static void train() {
        model = DetectorTrainer.defaultModel();
    }

    @Test
    void heldOutMapThroughOnnxDetectorIsAtLeastNinetyPercent() throws Exception {
        DetectorTrainer.Config config = DetectorTrainer.Config.defaults();
        EvaluationReport report =
                DetectionEvaluator.evaluate(
                        model, "trained-detector.onnx", config.testSeed(), HELD_OUT_SCENES);
        System.out.print(report.summary());

        assertTrue(report.meanAp() >= 0.90, report.summary());
        for (EvaluationReport.ClassResult c : report.classes()) {
            assertTrue(c.ap() >= 0.85, c.name() + ": " + report.summary());
            assertTrue(c.groundTruth() >= 200, c.name() + " needs enough objects to measure");
        }
        if (HELD_OUT_SCENES == config.testScenes()) {
            // ONNX Runtime and the trainer's Java pass see the same model: the figure in the
            // metadata (Java, same scenes) agrees.
            String recorded =
                    metadata(ModelInspector.inspect(model, "m.onnx"), "edgetwin.held_out");
            String expected = String.format(Locale.ROOT, "mAP50 %.4f", report.meanAp());
            assertTrue(
                    recorded.startsWith(expected.substring(0, expected.length() - 1)),
                    recorded + " vs " + expected);
        }
    }

    @Test
    void modelKeepsTheYoloV8ContractAndRecordsItsProvenance() throws Exception {
        ModelReport r = ModelInspector.inspect(model, "trained.onnx");
        assertEquals(DetectorContract.IR_VERSION, r.irVersion());
        assertEquals(Map.of("", DetectorContract.OPSET), r.opsetImports());
        int slots = DetectorLayout.HYPOTHESES * DetectorLayout.CLASSES * 40 * 40;
        assertEquals(
                List.of(
                        new TensorDescription(
                                DetectorContract.INPUT_NAME,
                                "float32",
                                List.of("1", "3", "320", "320"))),
                r.inputs());
        assertEquals(
                List.of(
                        new TensorDescription(
                                DetectorContract.OUTPUT_NAME,
                                "float32",
                                List.of("1", "7", Integer.toString(slots)))),
                r.outputs());
        assertTrue(r.operatorCounts().get("Conv") >= 5, "a CNN: " + r.operatorCounts());
        assertEquals("{0: 'robot', 1: 'person', 2: 'box'}", metadata(r, "names"));
        assertEquals("[320, 320]", metadata(r, "imgsz"));
        assertEquals("8", metadata(r, "stride"));
        assertEquals("detect", metadata(r, "task"));
        assertEquals("1", metadata(r, "edgetwin.seed"));
        assertTrue(
                metadata(r, "edgetwin.generator")
                        .startsWith("dev.edgetwin.modelkit.training.DetectorTrainer "));
        assertTrue(
                metadata(r, "edgetwin.trained_on").contains("TrainingScenes.random(1, i)")
                        && metadata(r, "edgetwin.trained_on").contains("400 scenes"),
                metadata(r, "edgetwin.trained_on"));
        assertEquals(
                DetectorTrainer.Config.defaults().canonical(),
                metadata(r, "edgetwin.training_config"));
        assertTrue(
                metadata(r, "edgetwin.held_out").contains("200 scenes of TrainingScenes.random(2"));
        assertFalse(metadata(r, "edgetwin.method").isEmpty());
        assertEquals(64, metadata(r, "edgetwin.graph_sha256").length());

        // The nodes a quantizer may turn into int8: every Conv and its ReLU, nothing else.
        Map<String, String> opOf = new java.util.HashMap<>();
        for (var node : ModelProto.parseFrom(model).getGraph().getNodeList()) {
            opOf.put(node.getName(), node.getOpType());
        }
        List<String> quantizable = List.of(metadata(r, "edgetwin.quantizable_nodes").split(","));
        assertEquals(
                r.operatorCounts().get("Conv"),
                (int) quantizable.stream().filter(n -> "Conv".equals(opOf.get(n))).count());
        for (String name : quantizable) {
            assertTrue(List.of("Conv", "Relu").contains(opOf.get(name)), name);
        }
    }

    @Test
    void onnxDetectorRunsTheModelOnTheDaemonsDemoScene() throws Exception {
        Path file = Files.write(dir.resolve("trained.onnx"), model);
        var camera =
                new SimulatedCamera(
                        FactoryScene.demo(1), SimulatedCamera.defaultCameraModel(), "sim", 3);
        try (OnnxDetector detector =
                OnnxDetector.open(file, new OnnxDetector.Options(0.5f, 0.5f, 100, 1))) {
            assertEquals(DetectorContract.CLASS_NAMES, detector.classNames());
            for (double t : new double[] {0, 40, 80}) {
                List<Detection> found = detector.detect(camera.render(t, 0).frame());
                // The demo keeps a robot, a person and boxes 3-10 m ahead at all times.
                for (int c = 0; c < DetectorContract.CLASS_NAMES.size(); c++) {
                    int k = c;
                    assertTrue(
                            found.stream().anyMatch(d -> d.classId() == k),
                            "t="
                                    + t
                                    + ": no "
                                    + DetectorContract.CLASS_NAMES.get(c)
                                    + " in "
                                    + found);
                }
            }
            assertEquals(0, detector.runtimeAllocatedOutputs());
        }
    }

    /**
     * The graph computes what the trainer fitted: ONNX Runtime's output equals the Java forward
     * pass on held-out frames. Box arithmetic is exact in float32; the stem's convolutions may
     * round differently, which can flip a borderline cell of a class mask, so a few slots may
     * differ.
     */
    @Test
    void onnxRuntimeComputesWhatTheTrainerFitted() throws Exception {
        DetectorTrainer trainer = new DetectorTrainer(DetectorTrainerTest.SMALL.withScenes(40, 0));
        DetectorTrainer.Fit fit = trainer.fit();
        byte[] bytes = trainer.write(fit, null);
        DetectorLayout layout = trainer.layout();
        FeatureStack stack = new FeatureStack(layout);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int slots = layout.slots;
        int occupied = 0;
        int differing = 0;
        float worstScore = 0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(bytes, options)) {
            var pre = new LetterboxPreprocessor(layout.inputSize, layout.inputSize);
            for (int i = 0; i < 4; i++) {
                pre.prepare(TrainingScenes.random(2, i).render().frame());
                float[] java = stack.output(fit.weights(), pre.inputBuffer());
                float[] ort;
                try (OnnxTensor input =
                                OnnxTensor.createTensor(env, pre.inputBuffer(), pre.inputShape());
                        OrtSession.Result out =
                                session.run(Map.of(DetectorContract.INPUT_NAME, input))) {
                    FloatBuffer b = ((OnnxTensor) out.get(0)).getFloatBuffer();
                    ort = new float[b.remaining()];
                    b.get(ort);
                }
                assertEquals(java.length, ort.length);
                for (int s = 0; s < slots; s++) {
                    boolean any = false;
                    boolean same = true;
                    for (int f = 0; f < 7; f++) {
                        float a = java[f * slots + s];
                        float b = ort[f * slots + s];
                        any |= a != 0 || b != 0;
                        float tolerance = f < 4 ? 0 : 1e-4f;
                        same &= Math.abs(a - b) <= tolerance;
                        if (f >= 4 && a != 0 && b != 0) {
                            worstScore = Math.max(worstScore, Math.abs(a - b));
                        }
                    }
                    occupied += any ? 1 : 0;
                    differing += same ? 0 : 1;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "Java vs ONNX Runtime: %d of %d occupied slots differ; worst score gap %.2e%n",
                differing,
                occupied,
                worstScore);
        assertTrue(occupied > 1000, "the frames hold objects: " + occupied);
        assertTrue(differing <= occupied / 200, differing + " of " + occupied + " slots differ");
    }

    private static String metadata(ModelReport r, String key) {
        String value = r.metadata().get(key);
        if (value == null) {
            throw new AssertionError("no metadata key " + key + " in " + r.metadata().keySet());
        }
        return value;
    }
}
