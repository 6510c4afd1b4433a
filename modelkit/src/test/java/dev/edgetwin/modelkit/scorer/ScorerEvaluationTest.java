package dev.edgetwin.modelkit.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorerEvaluationTest {
    @Test
    void metricsOnHandComputedCases() {
        double[] labels = {0.0, 0.05, 0.2, 0.9};
        ScorerEvaluation.Metrics perfect = ScorerEvaluation.metrics(labels.clone(), labels);
        assertEquals(0, perfect.mae());
        assertEquals(0, perfect.brier());
        assertEquals(1, perfect.auc());

        // Errors 0.1, 0.05, 0.2, 0.1; the two positives (0.2 and 0.9) rank below both negatives.
        ScorerEvaluation.Metrics reversed =
                ScorerEvaluation.metrics(new double[] {0.1, 0.1, 0.0, 0.0}, labels);
        assertEquals((0.1 + 0.05 + 0.2 + 0.9) / 4, reversed.mae(), 1e-12);
        assertEquals((0.01 + 0.0025 + 0.04 + 0.81) / 4, reversed.brier(), 1e-12);
        assertEquals(0, reversed.auc());

        // A constant scorer ties everything: AUC one half.
        assertEquals(
                0.5, ScorerEvaluation.metrics(new double[] {0.3, 0.3, 0.3, 0.3}, labels).auc());
        // One positive above one negative, tied with the other: (1 + 0.5) / 2 per positive.
        assertEquals(
                0.75, ScorerEvaluation.auc(new double[] {0.2, 0.5, 0.5}, new double[] {0, 0, 1}));
        assertTrue(
                Double.isNaN(ScorerEvaluation.auc(new double[] {0.1, 0.2}, new double[] {0, 0})));
    }

    @Test
    void scoresInBatchesInOrderAndChecksTheScorersAnswer() {
        ScorerEvaluation heldOut = ScorerEvaluation.heldOut(21, 600, 20);
        assertEquals(600, heldOut.scenes());
        assertEquals(21, heldOut.seed());
        List<Integer> calls = new ArrayList<>();
        // Scoring each scene by its own label, batch by batch, must give a perfect score.
        double[] labels = heldOut.labels();
        int[] next = {0};
        ScorerEvaluation.Metrics m =
                heldOut.measure(
                        (rows, k) -> {
                            calls.add(k);
                            assertEquals(
                                    k * ScorerContract.STEPS * ScorerContract.FEATURES,
                                    rows.length);
                            float[] out = new float[k];
                            for (int i = 0; i < k; i++) {
                                out[i] = (float) labels[next[0]++];
                            }
                            return out;
                        });
        assertEquals(List.of(256, 256, 88), calls);
        assertEquals(0, m.mae(), 1e-7);
        assertThrows(
                IllegalStateException.class, () -> heldOut.measure((rows, k) -> new float[k - 1]));
        assertTrue(
                heldOut.describe().startsWith("600 scenes from seed 21, 20 rollouts per label, "));
    }
}
