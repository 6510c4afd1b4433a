package dev.edgetwin.runtime.vision;

import dev.edgetwin.modelkit.training.EvaluationReport;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link SequenceEvaluation} measured over its sequences: detection AP, tracking scores and
 * the floor-position error of the tracks.
 *
 * @param model the detector's file name, or another label
 * @param settings what was evaluated and how
 * @param frames frames rendered over all sequences
 * @param detection AP at IoU 0.5 per class and their mean over every frame of every sequence
 * @param tracking CLEAR MOT and identity scores, summed over the sequences
 * @param floorError distances of the matched track positions to their objects
 * @param sequences each sequence's own tracking scores
 */
public record SequenceReport(
        String model,
        SequenceEvaluation.Settings settings,
        int frames,
        EvaluationReport detection,
        TrackingScores tracking,
        FloorError floorError,
        List<SequenceScores> sequences) {

    public SequenceReport {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(tracking, "tracking");
        Objects.requireNonNull(floorError, "floorError");
        sequences = List.copyOf(sequences);
    }

    /**
     * CLEAR MOT and IDF1 counts.
     *
     * @param objects counted ground-truth objects summed over frames
     * @param matches object-track correspondences summed over frames
     * @param misses counted objects without a track
     * @param falsePositives confirmed track positions without an object (those next to an ignored
     *     object excepted, see {@link SequenceEvaluation})
     * @param idSwitches times an object was matched to another track than the last one
     * @param ignoredOutputs track positions dropped before scoring because they were next to an
     *     ignored object
     * @param mota {@code 1 - (misses + falsePositives + idSwitches) / objects}
     * @param motp mean distance of the matched pairs, metres
     * @param idf1 {@code 2 IDTP / (2 IDTP + IDFP + IDFN)}
     * @param idPrecision {@code IDTP / (IDTP + IDFP)}
     * @param idRecall {@code IDTP / (IDTP + IDFN)}
     */
    public record TrackingScores(
            int objects,
            int matches,
            int misses,
            int falsePositives,
            int idSwitches,
            int ignoredOutputs,
            double mota,
            double motp,
            double idf1,
            double idPrecision,
            double idRecall) {}

    /**
     * Floor-position error of tracked objects: per frame, each counted object paired with the
     * nearest same-class confirmed track within the match distance (greedy, nearest pair first, one
     * to one).
     *
     * @param pairs object-track pairs measured, over all frames
     * @param medianMetres median distance; NaN without pairs
     * @param p95Metres 95th percentile (linear interpolation between order statistics); NaN without
     *     pairs
     * @param maxMetres largest distance; NaN without pairs
     */
    public record FloorError(int pairs, double medianMetres, double p95Metres, double maxMetres) {}

    /** One sequence's tracking scores. */
    public record SequenceScores(
            long seed, int frames, double mota, double idf1, int idSwitches, double floorMedian) {}

    /** A few lines for a terminal. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append(
                String.format(
                        Locale.ROOT,
                        "model %s: %d sequences (seeds %s), %.1f s at %.1f fps, %d frames%n",
                        model,
                        settings.seeds().size(),
                        settings.seeds(),
                        settings.seconds(),
                        settings.fps(),
                        frames));
        s.append(
                String.format(
                        Locale.ROOT,
                        "detection: mAP@0.5 %.4f over %d objects (%d ignored)%n",
                        detection.meanAp(),
                        detection.groundTruth(),
                        detection.ignored()));
        for (EvaluationReport.ClassResult c : detection.classes()) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "  %-8s AP50 %.4f  objects %6d  ignored %5d  P@0.5 %.3f  R@0.5 %.3f%n",
                            c.name(),
                            c.ap(),
                            c.groundTruth(),
                            c.ignored(),
                            c.precision(),
                            c.recall()));
        }
        TrackingScores t = tracking;
        s.append(
                String.format(
                        Locale.ROOT,
                        "tracking (match distance %.2f m): MOTA %.4f  IDF1 %.4f  (IDP %.4f, IDR %.4f)%n",
                        settings.matchDistance(),
                        t.mota(),
                        t.idf1(),
                        t.idPrecision(),
                        t.idRecall()));
        s.append(
                String.format(
                        Locale.ROOT,
                        "  objects %d  matches %d  misses %d  false positives %d  id switches %d"
                                + "  MOTP %.3f m  (%d track positions beside ignored objects"
                                + " dropped)%n",
                        t.objects(),
                        t.matches(),
                        t.misses(),
                        t.falsePositives(),
                        t.idSwitches(),
                        t.motp(),
                        t.ignoredOutputs()));
        s.append(
                String.format(
                        Locale.ROOT,
                        "floor error of tracked objects: median %.3f m  p95 %.3f m  max %.3f m"
                                + "  (%d pairs)%n",
                        floorError.medianMetres(),
                        floorError.p95Metres(),
                        floorError.maxMetres(),
                        floorError.pairs()));
        for (SequenceScores q : sequences) {
            s.append(
                    String.format(
                            Locale.ROOT,
                            "  seed %d: %d frames  MOTA %.4f  IDF1 %.4f  id switches %d"
                                    + "  floor median %.3f m%n",
                            q.seed(),
                            q.frames(),
                            q.mota(),
                            q.idf1(),
                            q.idSwitches(),
                            q.floorMedian()));
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "SequenceReport[%s, %d frames, mAP %.4f, MOTA %.4f, IDF1 %.4f]",
                model,
                frames,
                detection.meanAp(),
                tracking.mota(),
                tracking.idf1());
    }
}
