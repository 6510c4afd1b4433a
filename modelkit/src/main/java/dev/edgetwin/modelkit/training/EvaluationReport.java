package dev.edgetwin.modelkit.training;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A detector's accuracy on held-out simulator frames (see {@link DetectionEvaluator}): average
 * precision at IoU 0.5 per class and its mean, and the counts behind them.
 *
 * @param model the model's file name (or another label)
 * @param testSeed the seed of the held-out scene set
 * @param scenes how many scenes (one frame each) were evaluated
 * @param classes one entry per class, in class-id order
 * @param meanAp mean of the classes' AP over the classes that have ground truth; NaN if none has
 * @param groundTruth counted ground-truth objects, all classes
 * @param ignored visible objects too small or too hidden to count (see {@link
 *     DetectionEvaluator#counts}); detections of them are neither right nor wrong
 * @param detections detections the model returned at the evaluation threshold, all classes
 */
public record EvaluationReport(
        String model,
        long testSeed,
        int scenes,
        List<ClassResult> classes,
        double meanAp,
        int groundTruth,
        int ignored,
        int detections) {

    /**
     * One class's result.
     *
     * @param name the class name
     * @param ap average precision at IoU 0.5, all-point interpolation; NaN without ground truth
     * @param groundTruth counted objects of the class
     * @param ignored visible objects of the class that do not count
     * @param detections detections of the class at the evaluation threshold
     * @param truePositives detections with confidence >= {@link
     *     DetectionEvaluator#OPERATING_CONFIDENCE} (the daemon's default threshold) matched to a
     *     counted object
     * @param falsePositives detections with confidence >= that threshold matched to nothing (or to
     *     an object already found)
     */
    public record ClassResult(
            String name,
            double ap,
            int groundTruth,
            int ignored,
            int detections,
            int truePositives,
            int falsePositives) {

        public ClassResult {
            Objects.requireNonNull(name, "name");
            if (groundTruth < 0
                    || ignored < 0
                    || detections < 0
                    || truePositives < 0
                    || falsePositives < 0) {
                throw new IllegalArgumentException("counts must be >= 0");
            }
        }

        /** Precision at the operating threshold; NaN if nothing was detected there. */
        public double precision() {
            int found = truePositives + falsePositives;
            return found == 0 ? Double.NaN : (double) truePositives / found;
        }

        /** Recall at the operating threshold; NaN without ground truth. */
        public double recall() {
            return groundTruth == 0 ? Double.NaN : (double) truePositives / groundTruth;
        }
    }

    public EvaluationReport {
        Objects.requireNonNull(model, "model");
        classes = List.copyOf(classes);
    }

    /** The AP of the class named {@code name}. */
    public double ap(String name) {
        for (ClassResult c : classes) {
            if (c.name().equals(name)) {
                return c.ap();
            }
        }
        throw new IllegalArgumentException("no class named '" + name + "' in " + names());
    }

    private List<String> names() {
        return classes.stream().map(ClassResult::name).toList();
    }

    /** A few lines for a terminal: per class AP, counts, precision and recall at 0.5. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "model %s, %d held-out scenes (test seed %d), IoU %.2f%n",
                        model,
                        scenes,
                        testSeed,
                        DetectionEvaluator.IOU_THRESHOLD));
        s.append(
                String.format(
                        Locale.ROOT,
                        "%-8s %7s %7s %7s %7s %9s %7s%n",
                        "class",
                        "AP50",
                        "objects",
                        "ignored",
                        "dets",
                        "P@0.5",
                        "R@0.5"));
        for (ClassResult c : classes) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "%-8s %7.4f %7d %7d %7d %9.3f %7.3f%n",
                            c.name(),
                            c.ap(),
                            c.groundTruth(),
                            c.ignored(),
                            c.detections(),
                            c.precision(),
                            c.recall()));
        }
        s.append(String.format(Locale.ROOT, "mAP50    %7.4f%n", meanAp));
        return s.toString();
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "EvaluationReport[%s, %d scenes, mAP50=%.4f, %d objects]",
                model,
                scenes,
                meanAp,
                groundTruth);
    }
}
