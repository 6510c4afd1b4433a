package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.scorer.ScorerContract.FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;

import java.util.Arrays;
import java.util.Locale;

/**
 * A held-out set of labelled scenes and the error of any scorer on it. The scenes come from the
 * trainer's sampler with a seed of their own; each label is the fraction of Monte Carlo rollouts
 * with a collision with anyone (see docs/models.md).
 *
 * <p>Immutable and safe to share; {@link #measure} may be called from several threads as long as
 * the scorer allows it.
 */
public final class ScorerEvaluation {
    /** Scenes whose label exceeds this risk count as positives for {@link Metrics#auc()}. */
    public static final double RISKY = 0.1;

    /** Candidates per call to {@link Scorer#score}. */
    public static final int BATCH = 256;

    /** Anything that scores candidates laid out as {@link ScorerContract} says. */
    @FunctionalInterface
    public interface Scorer {
        /**
         * Scores {@code candidates} rows of {@code trajectories} (float32 [candidates, {@value
         * ScorerContract#STEPS}, {@value ScorerContract#FEATURES}], row-major); returns one risk in
         * [0, 1] per candidate.
         */
        float[] score(float[] trajectories, int candidates);
    }

    /**
     * Errors against the simulated labels.
     *
     * @param mae mean absolute error
     * @param brier mean squared error (the Brier score with soft labels)
     * @param auc area under the ROC curve for telling scenes with a label above {@value #RISKY}
     *     from the rest (ties count half); NaN when either group is empty
     */
    public record Metrics(double mae, double brier, double auc) {
        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT, "MAE %.4f, Brier %.4f, AUC(risk > 0.1) %.4f", mae, brier, auc);
        }
    }

    private final LabelledScenes scenes;
    private final float[] trajectories;
    private final double[] labels;

    private ScorerEvaluation(LabelledScenes scenes) {
        this.scenes = scenes;
        trajectories = Scene.rows(scenes.scenes());
        labels = scenes.risks().stream().mapToDouble(CollisionRollouts.Risk::any).toArray();
    }

    /**
     * Draws {@code scenes} scenes from {@code seed} and labels each with {@code rollouts} rollouts.
     * Takes a few seconds for a thousand scenes of 200 rollouts.
     */
    public static ScorerEvaluation heldOut(long seed, int scenes, int rollouts) {
        if (scenes < 2) {
            throw new IllegalArgumentException("need at least 2 held-out scenes, got " + scenes);
        }
        return new ScorerEvaluation(LabelledScenes.generate(seed, scenes, rollouts));
    }

    public long seed() {
        return scenes.seed();
    }

    public int scenes() {
        return scenes.size();
    }

    public int rollouts() {
        return scenes.rollouts();
    }

    /** Scenes with a label above {@value #RISKY}. */
    public int risky() {
        return (int) Arrays.stream(labels).filter(l -> l > RISKY).count();
    }

    /** The scenes as the contract's input, float32 [scenes, STEPS, FEATURES]; a copy. */
    public float[] trajectories() {
        return trajectories.clone();
    }

    /** The simulated risk of each scene; a copy. */
    public double[] labels() {
        return labels.clone();
    }

    /** The scorer's errors on these scenes, scoring at most {@value #BATCH} candidates a call. */
    public Metrics measure(Scorer scorer) {
        int n = labels.length;
        double[] predicted = new double[n];
        int rowSize = STEPS * FEATURES;
        for (int start = 0; start < n; start += BATCH) {
            int count = Math.min(BATCH, n - start);
            float[] batch =
                    Arrays.copyOfRange(trajectories, start * rowSize, (start + count) * rowSize);
            float[] risk = scorer.score(batch, count);
            if (risk.length != count) {
                throw new IllegalStateException(
                        "scorer returned " + risk.length + " risks for " + count + " candidates");
            }
            for (int i = 0; i < count; i++) {
                predicted[start + i] = risk[i];
            }
        }
        return metrics(predicted, labels);
    }

    static Metrics metrics(double[] predicted, double[] labels) {
        double absolute = 0;
        double squared = 0;
        for (int i = 0; i < labels.length; i++) {
            double e = predicted[i] - labels[i];
            absolute += Math.abs(e);
            squared += e * e;
        }
        return new Metrics(
                absolute / labels.length, squared / labels.length, auc(predicted, labels));
    }

    /**
     * Mann-Whitney AUC of {@code predicted} for labels above {@value #RISKY}, ties counted half.
     */
    static double auc(double[] predicted, double[] labels) {
        int n = labels.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(predicted[a], predicted[b]));
        double positiveRankSum = 0;
        long positives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && predicted[order[j + 1]] == predicted[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1; // mean 1-based rank of the tied run
            for (int r = i; r <= j; r++) {
                if (labels[order[r]] > RISKY) {
                    positiveRankSum += rank;
                    positives++;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        return (positiveRankSum - positives * (positives + 1) / 2.0)
                / (positives * (double) negatives);
    }

    /**
     * One line, e.g. {@code 2000 scenes from seed 2, 200 rollouts per label, 612 with risk > 0.1}.
     */
    public String describe() {
        return scenes()
                + " scenes from seed "
                + seed()
                + ", "
                + rollouts()
                + " rollouts per label, "
                + risky()
                + " with risk > "
                + RISKY;
    }

    @Override
    public String toString() {
        return "ScorerEvaluation[" + describe() + "]";
    }
}
