package dev.edgetwin.modelkit.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.TensorInfo;
import dev.edgetwin.modelkit.ModelKitVersion;
import dev.edgetwin.modelkit.scorer.Scene.Person;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;
import org.tinylog.Logger;

/**
 * The released model ({@link TrajectoryScorerTrainer#defaultModel()}, trained once per test JVM) as
 * ONNX Runtime runs it, and the trainer's determinism.
 */
class TrajectoryScorerTrainerTest {
    /** Held-out MAE the released model must stay under (measured 0.022; the baseline 0.077). */
    static final double MAX_HELD_OUT_MAE = 0.035;

    private static final TrajectoryScorerTrainer.Config SMALL =
            new TrajectoryScorerTrainer.Config(3, 300, 40, 8, 3, 4, 50);

    private static final Set<String> OPERATORS =
            Set.of(
                    "Abs",
                    "Add",
                    "Concat",
                    "Div",
                    "MatMul",
                    "Max",
                    "Mul",
                    "ReduceMin",
                    "ReduceProd",
                    "Relu",
                    "Reshape",
                    "Sigmoid",
                    "Slice",
                    "Sqrt",
                    "Sub",
                    "Transpose");

    @Test
    void sameConfigurationGivesTheSameBytesAnotherSeedOthers() {
        byte[] first = new TrajectoryScorerTrainer(SMALL).train();
        assertArrayEquals(first, new TrajectoryScorerTrainer(SMALL).train());
        TrajectoryScorerTrainer.Config otherSeed =
                new TrajectoryScorerTrainer.Config(5, 300, 40, 8, 3, 4, 50);
        assertFalse(Arrays.equals(first, new TrajectoryScorerTrainer(otherSeed).train()));
    }

    @Test
    void releasedModelIsRetrainedByteForByte() {
        // What ModelCache writes in every process: trained again from scratch, the same file.
        assertArrayEquals(
                TrajectoryScorerTrainer.defaultModel(),
                new TrajectoryScorerTrainer(TrajectoryScorerTrainer.Config.defaults()).train());
    }

    @Test
    void labelsDoNotDependOnTheNumberOfThreads() throws Exception {
        LabelledScenes one =
                new ForkJoinPool(1).submit(() -> LabelledScenes.generate(8, 200, 30)).get();
        LabelledScenes four =
                new ForkJoinPool(4).submit(() -> LabelledScenes.generate(8, 200, 30)).get();
        for (int i = 0; i < 200; i++) {
            assertArrayEquals(one.risks().get(i).perPerson(), four.risks().get(i).perPerson());
        }
    }

    @Test
    void configurationIsCheckedWhenBuilt() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TrajectoryScorerTrainer.Config(1, 5, 200, 48, 30, 2, 100));
        assertEquals("scenes must be in [10, 1000000], got 5", e.getMessage());
        var same =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new TrajectoryScorerTrainer.Config(7, 100, 200, 48, 30, 7, 100));
        assertTrue(same.getMessage().contains("heldOutSeed must differ"), same.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrajectoryScorerTrainer.Config(1, 100, 0, 48, 30, 2, 100));
    }

    @Test
    void releasedModelIsAnOpset17GraphWithProvenance() throws Exception {
        ModelProto model = ModelProto.parseFrom(TrajectoryScorerTrainer.defaultModel());
        assertEquals(8, model.getIrVersion());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("edgetwin-modelkit", model.getProducerName());
        for (NodeProto node : model.getGraph().getNodeList()) {
            assertEquals("", node.getDomain());
            assertTrue(OPERATORS.contains(node.getOpType()), node.getOpType());
        }
        try (OrtScorer ort = new OrtScorer(TrajectoryScorerTrainer.defaultModel())) {
            Map<String, String> meta = ort.session().getMetadata().getCustomMetadata();
            assertEquals(
                    Set.of(
                            "description",
                            "author",
                            "version",
                            "edgetwin.contract",
                            "edgetwin.generator",
                            "edgetwin.seed",
                            "edgetwin.method",
                            "edgetwin.trained_on",
                            "edgetwin.heldout",
                            "edgetwin.heldout.mae",
                            "edgetwin.heldout.brier",
                            "edgetwin.heldout.auc_risk_gt_0.1",
                            "edgetwin.baseline",
                            "edgetwin.baseline.heldout.mae",
                            "edgetwin.baseline.heldout.brier",
                            "edgetwin.baseline.heldout.auc_risk_gt_0.1"),
                    meta.keySet());
            assertEquals(
                    "dev.edgetwin.modelkit.scorer.TrajectoryScorerTrainer "
                            + ModelKitVersion.VERSION,
                    meta.get("edgetwin.generator"));
            assertEquals("1", meta.get("edgetwin.seed"));
            assertTrue(
                    meta.get("edgetwin.trained_on").startsWith("6000 scenes ("),
                    meta.get("edgetwin.trained_on"));
            assertTrue(meta.get("edgetwin.trained_on").contains("fraction of 200 rollouts"));
            assertTrue(
                    meta.get("edgetwin.heldout")
                            .startsWith("2000 scenes from seed 2, 200 rollouts"));

            TensorInfo in = (TensorInfo) ort.session().getInputInfo().get("trajectories").getInfo();
            assertArrayEquals(new long[] {-1, 20, 24}, in.getShape());
            TensorInfo out = (TensorInfo) ort.session().getOutputInfo().get("risk").getInfo();
            assertArrayEquals(new long[] {-1}, out.getShape());
        }
    }

    @Test
    void runsInOnnxRuntimeForOneAndForManyCandidates() throws Exception {
        List<Scene> scenes = new SceneSampler(77).next(256);
        float[] rows = Scene.rows(scenes);
        int rowSize = ScorerContract.STEPS * ScorerContract.FEATURES;
        try (OrtScorer ort = new OrtScorer(TrajectoryScorerTrainer.defaultModel())) {
            float[] batch = ort.score(rows, 256);
            assertEquals(256, batch.length);
            for (int k : new int[] {0, 17, 255}) {
                float[] single =
                        ort.score(Arrays.copyOfRange(rows, k * rowSize, (k + 1) * rowSize), 1);
                assertEquals(1, single.length);
                assertEquals(batch[k], single[0], 1e-6, "candidate " + k + " alone vs in a batch");
            }
            float min = 1;
            float max = 0;
            for (float r : batch) {
                assertTrue(r >= 0 && r <= 1, "risk " + r);
                min = Math.min(min, r);
                max = Math.max(max, r);
            }
            assertTrue(min < 0.01 && max > 0.99, "range [" + min + ", " + max + "]");

            // Far outside the training scenes the output is still a probability.
            List<Scene> odd =
                    List.of(
                            Scene.standingRobot(List.of()),
                            Scene.standingRobot(List.of(new Person(0.01, 0, 0, 0))),
                            Scene.straightRobot(1.5, List.of(new Person(500, -300, 30, 30))),
                            Scene.straightRobot(
                                    0.2,
                                    List.of(
                                            new Person(1, 1, 0, 0),
                                            new Person(1, -1, 0, 0),
                                            new Person(-1, 1, 0, 0),
                                            new Person(-1, -1, 0, 0))));
            float[] risks = ort.score(Scene.rows(odd), odd.size());
            assertEquals(0f, risks[0], "no people");
            for (float r : risks) {
                assertTrue(r >= 0 && r <= 1 && !Float.isNaN(r), Arrays.toString(risks));
            }
        }
    }

    @Test
    void handMadeScenesGetTheRiskTheRolloutsGive() throws Exception {
        List<Scene> scenes =
                List.of(
                        // Standing 1.2 m ahead on the path of a robot at 1 m/s.
                        Scene.straightRobot(1.0, List.of(new Person(1.2, 0, 0, 0))),
                        // Far behind and walking away.
                        Scene.straightRobot(1.0, List.of(new Person(-6, 3, -1.2, 0.5))),
                        // Walking straight at a standing robot.
                        Scene.standingRobot(List.of(new Person(2.0, 0, -1.5, 0))),
                        // Standing 1 m beside the path: only their own motion can cause a hit.
                        Scene.straightRobot(1.0, List.of(new Person(1.0, 1.0, 0, 0))));
        float[] model;
        try (OrtScorer ort = new OrtScorer(TrajectoryScorerTrainer.defaultModel())) {
            model = ort.score(Scene.rows(scenes), scenes.size());
        }
        for (int i = 0; i < scenes.size(); i++) {
            double simulated = CollisionRollouts.simulate(scenes.get(i), 4000, 99).any();
            assertEquals(
                    simulated, model[i], 0.1, "scene " + i + ": model " + Arrays.toString(model));
        }
        assertTrue(model[0] > 0.95, "on the path: " + model[0]);
        assertTrue(model[1] < 0.02, "walking away: " + model[1]);
    }

    @Test
    void heldOutErrorMeasuredInOnnxRuntimeIsTheRecordedOneAndBeatsTheBaseline() throws Exception {
        byte[] bytes = TrajectoryScorerTrainer.defaultModel();
        long start = System.nanoTime();
        ScorerEvaluation heldOut = ScorerEvaluation.heldOut(2, 2000, 200);
        long labelled = System.nanoTime();
        ScorerEvaluation.Metrics learned;
        Map<String, String> meta;
        try (OrtScorer ort = new OrtScorer(bytes)) {
            learned = heldOut.measure(ort);
            meta = ort.session().getMetadata().getCustomMetadata();
        }
        Logger.info(
                "Held-out ({}; labels {} ms): ONNX Runtime {}; baseline MAE {}, Brier {}, AUC {}",
                heldOut.describe(),
                (labelled - start) / 1_000_000,
                learned,
                meta.get("edgetwin.baseline.heldout.mae"),
                meta.get("edgetwin.baseline.heldout.brier"),
                meta.get("edgetwin.baseline.heldout.auc_risk_gt_0.1"));
        // The figures in the metadata were computed in Java with the exported weights.
        assertEquals(Double.parseDouble(meta.get("edgetwin.heldout.mae")), learned.mae(), 1.5e-4);
        assertEquals(
                Double.parseDouble(meta.get("edgetwin.heldout.brier")), learned.brier(), 1.5e-4);
        assertEquals(
                Double.parseDouble(meta.get("edgetwin.heldout.auc_risk_gt_0.1")),
                learned.auc(),
                1.5e-4);

        assertTrue(learned.mae() < MAX_HELD_OUT_MAE, "MAE " + learned.mae());
        double baselineMae = Double.parseDouble(meta.get("edgetwin.baseline.heldout.mae"));
        double baselineBrier = Double.parseDouble(meta.get("edgetwin.baseline.heldout.brier"));
        double baselineAuc =
                Double.parseDouble(meta.get("edgetwin.baseline.heldout.auc_risk_gt_0.1"));
        assertTrue(learned.mae() < 0.5 * baselineMae, learned + " vs baseline MAE " + baselineMae);
        assertTrue(
                learned.brier() < 0.5 * baselineBrier,
                learned + " vs baseline Brier " + baselineBrier);
        assertTrue(learned.auc() > baselineAuc, learned + " vs baseline AUC " + baselineAuc);
        assertTrue(learned.auc() > 0.99, learned.toString());
    }
}
