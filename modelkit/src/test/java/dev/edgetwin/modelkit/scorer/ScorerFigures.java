package dev.edgetwin.modelkit.scorer;

import dev.edgetwin.modelkit.scorer.Scene.Person;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints the figures in docs/models.md ("Reference trajectory scorer"): training time, held-out
 * errors of the released model (run in ONNX Runtime), of the baselines and of the labels
 * themselves, the hand-made scenes, and the time of one K = 256 batch. Not a test.
 *
 * <pre>
 * ./mvnw -o -q -pl modelkit test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * ORT_DISABLE_TELEMETRY=1 java -cp \
 *     modelkit/target/classes:modelkit/target/test-classes:$(cat modelkit/target/cp.txt) \
 *     dev.edgetwin.modelkit.scorer.ScorerFigures
 * </pre>
 */
public final class ScorerFigures {
    /** Rollouts for the near-exact labels the 200-rollout ones are compared with. */
    private static final int PRECISE_ROLLOUTS = 4000;

    private ScorerFigures() {}

    public static void main(String[] args) throws Exception {
        TrajectoryScorerTrainer.Config config = TrajectoryScorerTrainer.Config.defaults();
        long start = System.nanoTime();
        TrajectoryScorerTrainer trainer = new TrajectoryScorerTrainer(config);
        TrajectoryScorerTrainer.Fitted fitted = trainer.fit();
        TrajectoryScorerTrainer.Result result = trainer.evaluate(fitted);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "%s: trained, exported and measured in %.1f s on %d cores (%d bytes); labels %.1f s,"
                        + " training %.1f s%n",
                config,
                seconds,
                Runtime.getRuntime().availableProcessors(),
                result.model().length,
                fitted.labelNanos() / 1e9,
                fitted.trainNanos() / 1e9);

        ScorerEvaluation heldOut = result.heldOut();
        List<Scene> scenes = new SceneSampler(heldOut.seed()).next(heldOut.scenes());
        double[] labels = heldOut.labels();
        // Independent, near-exact labels for the same scenes (other rollout seeds).
        SplittableRandom seeds = new SplittableRandom(12345);
        double[] precise = new double[scenes.size()];
        for (int i = 0; i < scenes.size(); i++) {
            precise[i] =
                    CollisionRollouts.simulate(scenes.get(i), PRECISE_ROLLOUTS, seeds.nextLong())
                            .any();
        }
        float[] rows = Scene.rows(scenes);

        try (OrtScorer ort = new OrtScorer(result.model())) {
            Map<String, String> meta = ort.session().getMetadata().getCustomMetadata();
            System.out.println("baseline: " + meta.get("edgetwin.baseline"));
            System.out.println(heldOut.describe());
            System.out.printf(
                    "%-44s %-50s %s%n",
                    "scorer", "vs 200-rollout labels", "vs 4000-rollout labels");
            ScorerEvaluation.Scorer threshold = ScorerFigures::threshold;
            ScorerEvaluation.Scorer baseline = fitted.baseline();
            row("learned (ONNX Runtime)", score(ort, rows), labels, precise);
            row("closest approach, calibrated sigmoid", score(baseline, rows), labels, precise);
            row("closest approach < 0.8 m (0/1)", score(threshold, rows), labels, precise);
            row("the 4000-rollout labels themselves", precise, labels, precise);

            System.out.println("hand-made scenes: model vs 4000 rollouts");
            List<Scene> hand =
                    List.of(
                            Scene.straightRobot(1.0, List.of(new Person(1.2, 0, 0, 0))),
                            Scene.straightRobot(1.0, List.of(new Person(-6, 3, -1.2, 0.5))),
                            Scene.standingRobot(List.of(new Person(2.0, 0, -1.5, 0))),
                            Scene.straightRobot(1.0, List.of(new Person(1.0, 1.0, 0, 0))),
                            Scene.straightRobot(1.0, List.of(new Person(1.0, 1.4, 0, 0))),
                            Scene.straightRobot(1.0, List.of(new Person(2.0, -2.0, 0, 1.0))));
            String[] names = {
                "standing 1.2 m ahead on the path, robot 1 m/s",
                "6.7 m behind, walking away",
                "walking at 1.5 m/s straight at a standing robot",
                "standing 1.0 m beside the path",
                "standing 1.4 m beside the path",
                "crossing 2 m ahead, reaches the path as the robot does"
            };
            float[] model = ort.score(Scene.rows(hand), hand.size());
            for (int i = 0; i < hand.size(); i++) {
                System.out.printf(
                        Locale.ROOT,
                        "  %-56s model %.3f  rollouts %.3f%n",
                        names[i],
                        model[i],
                        CollisionRollouts.simulate(hand.get(i), PRECISE_ROLLOUTS, 7).any());
            }

            float[] batch =
                    Arrays.copyOf(rows, 256 * ScorerContract.STEPS * ScorerContract.FEATURES);
            long[] times = new long[300];
            for (int i = 0; i < times.length; i++) {
                long t = System.nanoTime();
                ort.score(batch, 256);
                times[i] = System.nanoTime() - t;
            }
            Arrays.sort(times);
            System.out.printf(
                    Locale.ROOT,
                    "K = 256 in ONNX Runtime (1 intra-op thread, incl. tensor copy): median %.2f ms, p90 %.2f ms%n",
                    times[150] / 1e6,
                    times[270] / 1e6);
        }
    }

    private static double[] score(ScorerEvaluation.Scorer scorer, float[] rows) {
        int rowSize = ScorerContract.STEPS * ScorerContract.FEATURES;
        int n = rows.length / rowSize;
        double[] out = new double[n];
        for (int start = 0; start < n; start += ScorerEvaluation.BATCH) {
            int count = Math.min(ScorerEvaluation.BATCH, n - start);
            float[] r =
                    scorer.score(
                            Arrays.copyOfRange(rows, start * rowSize, (start + count) * rowSize),
                            count);
            for (int i = 0; i < count; i++) {
                out[start + i] = r[i];
            }
        }
        return out;
    }

    private static void row(String name, double[] predicted, double[] labels, double[] precise) {
        System.out.printf(
                "%-44s %-50s %s%n",
                name,
                ScorerEvaluation.metrics(predicted, labels),
                ScorerEvaluation.metrics(predicted, precise));
    }

    /** 1 when anyone's constant-velocity closest approach is under the collision distance. */
    private static float[] threshold(float[] rows, int k) {
        float[] out = new float[k];
        double[] f = new double[PersonFeatures.COUNT];
        for (int c = 0; c < k; c++) {
            for (int slot = 0; slot < ScorerContract.PEOPLE; slot++) {
                double present =
                        PersonFeatures.compute(
                                rows, c * ScorerContract.STEPS * ScorerContract.FEATURES, slot, f);
                if (present != 0
                        && f[PersonFeatures.CLOSEST_APPROACH] < ScorerContract.COLLISION_DISTANCE) {
                    out[c] = 1;
                }
            }
        }
        return out;
    }
}
