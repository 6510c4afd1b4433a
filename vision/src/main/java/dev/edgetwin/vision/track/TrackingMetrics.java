package dev.edgetwin.vision.track;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tracking accuracy against ground truth on the floor: CLEAR MOT (MOTA, MOTP, id switches) and the
 * identity scores (IDF1). An object and an output position can match when they have the same class
 * and are at most {@code maxDistance} metres apart.
 */
public final class TrackingMetrics {
    private TrackingMetrics() {}

    /**
     * CLEAR MOT. Per frame: every correspondence of the previous frame whose object and hypothesis
     * are both still present and still within {@code maxDistance} is kept; the remaining objects
     * and hypotheses are matched by a minimum-total-distance assignment (Hungarian). A new
     * correspondence counts an id switch when the object's last correspondence, in whatever earlier
     * frame, was with a different hypothesis.
     */
    public static ClearMotScores clearMot(List<EvaluationFrame> frames, double maxDistance) {
        requireDistance(maxDistance);
        Map<Long, Long> previous = new HashMap<>(); // object -> hypothesis in the last frame
        Map<Long, Long> lastKnown = new HashMap<>(); // object -> hypothesis, last time matched
        int truthCount = 0;
        int matches = 0;
        int misses = 0;
        int falsePositives = 0;
        int idSwitches = 0;
        double totalDistance = 0;
        for (EvaluationFrame frame : frames) {
            List<LabeledPosition> truth = frame.truth();
            List<LabeledPosition> output = frame.output();
            Map<Long, Integer> outputIndex = new HashMap<>();
            for (int j = 0; j < output.size(); j++) {
                outputIndex.put(output.get(j).id(), j);
            }
            int[] truthToOutput = new int[truth.size()];
            boolean[] outputTaken = new boolean[output.size()];
            java.util.Arrays.fill(truthToOutput, -1);
            for (int i = 0; i < truth.size(); i++) {
                LabeledPosition o = truth.get(i);
                Long h = previous.get(o.id());
                Integer j = h == null ? null : outputIndex.get(h);
                if (j != null && !outputTaken[j] && canMatch(o, output.get(j), maxDistance)) {
                    truthToOutput[i] = j;
                    outputTaken[j] = true;
                }
            }
            List<Integer> freeTruth = new ArrayList<>();
            List<Integer> freeOutput = new ArrayList<>();
            for (int i = 0; i < truth.size(); i++) {
                if (truthToOutput[i] < 0) {
                    freeTruth.add(i);
                }
            }
            for (int j = 0; j < output.size(); j++) {
                if (!outputTaken[j]) {
                    freeOutput.add(j);
                }
            }
            double[][] cost = new double[freeTruth.size()][freeOutput.size()];
            for (int a = 0; a < freeTruth.size(); a++) {
                LabeledPosition o = truth.get(freeTruth.get(a));
                for (int b = 0; b < freeOutput.size(); b++) {
                    LabeledPosition h = output.get(freeOutput.get(b));
                    cost[a][b] =
                            canMatch(o, h, maxDistance)
                                    ? o.distanceTo(h)
                                    : Double.POSITIVE_INFINITY;
                }
            }
            int[] assignment = HungarianAssignment.solve(cost);
            for (int a = 0; a < assignment.length; a++) {
                if (assignment[a] < 0) {
                    continue;
                }
                int i = freeTruth.get(a);
                int j = freeOutput.get(assignment[a]);
                truthToOutput[i] = j;
                outputTaken[j] = true;
                Long before = lastKnown.get(truth.get(i).id());
                if (before != null && before != output.get(j).id()) {
                    idSwitches++;
                }
            }
            previous.clear();
            for (int i = 0; i < truth.size(); i++) {
                truthCount++;
                int j = truthToOutput[i];
                if (j < 0) {
                    misses++;
                    continue;
                }
                matches++;
                totalDistance += truth.get(i).distanceTo(output.get(j));
                previous.put(truth.get(i).id(), output.get(j).id());
                lastKnown.put(truth.get(i).id(), output.get(j).id());
            }
            for (boolean taken : outputTaken) {
                if (!taken) {
                    falsePositives++;
                }
            }
        }
        return new ClearMotScores(
                truthCount, matches, misses, falsePositives, idSwitches, totalDistance);
    }

    /**
     * Identity scores: ground-truth ids and output ids are paired one to one for the whole sequence
     * so that the number of frames in which paired ids match is the largest possible (Hungarian
     * over ground-truth ids x output ids); that number is IDTP.
     */
    public static IdentityScores identity(List<EvaluationFrame> frames, double maxDistance) {
        requireDistance(maxDistance);
        Map<Long, Integer> truthIds = new LinkedHashMap<>();
        Map<Long, Integer> outputIds = new LinkedHashMap<>();
        int truthCount = 0;
        int outputCount = 0;
        for (EvaluationFrame frame : frames) {
            for (LabeledPosition p : frame.truth()) {
                truthIds.putIfAbsent(p.id(), truthIds.size());
            }
            for (LabeledPosition p : frame.output()) {
                outputIds.putIfAbsent(p.id(), outputIds.size());
            }
            truthCount += frame.truth().size();
            outputCount += frame.output().size();
        }
        int[][] together = new int[truthIds.size()][outputIds.size()];
        for (EvaluationFrame frame : frames) {
            for (LabeledPosition o : frame.truth()) {
                int i = truthIds.get(o.id());
                for (LabeledPosition h : frame.output()) {
                    if (canMatch(o, h, maxDistance)) {
                        together[i][outputIds.get(h.id())]++;
                    }
                }
            }
        }
        double[][] cost = new double[truthIds.size()][outputIds.size()];
        for (int i = 0; i < cost.length; i++) {
            for (int j = 0; j < cost[i].length; j++) {
                cost[i][j] = -together[i][j];
            }
        }
        int[] assignment = HungarianAssignment.solve(cost);
        int idtp = 0;
        for (int i = 0; i < assignment.length; i++) {
            if (assignment[i] >= 0) {
                idtp += together[i][assignment[i]];
            }
        }
        return new IdentityScores(idtp, outputCount - idtp, truthCount - idtp);
    }

    private static boolean canMatch(LabeledPosition o, LabeledPosition h, double maxDistance) {
        return o.classId() == h.classId() && o.distanceTo(h) <= maxDistance;
    }

    private static void requireDistance(double maxDistance) {
        if (!(maxDistance > 0) || !Double.isFinite(maxDistance)) {
            throw new IllegalArgumentException(
                    "maxDistance must be finite and > 0, got " + maxDistance);
        }
    }
}
