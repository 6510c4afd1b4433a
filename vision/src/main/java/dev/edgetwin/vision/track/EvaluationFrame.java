package dev.edgetwin.vision.track;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One frame of a tracking evaluation: the ground truth and the tracker's output at the same moment.
 * Ids are unique within each list.
 */
public record EvaluationFrame(List<LabeledPosition> truth, List<LabeledPosition> output) {

    public EvaluationFrame {
        truth = List.copyOf(truth);
        output = List.copyOf(output);
        requireUniqueIds(truth, "truth");
        requireUniqueIds(output, "output");
    }

    private static void requireUniqueIds(List<LabeledPosition> positions, String what) {
        Set<Long> seen = new HashSet<>();
        for (LabeledPosition p : positions) {
            if (!seen.add(p.id())) {
                throw new IllegalArgumentException(
                        what + " ids must be unique within a frame, got " + p.id() + " twice");
            }
        }
    }

    @Override
    public String toString() {
        return "EvaluationFrame[truth=" + truth.size() + ", output=" + output.size() + "]";
    }
}
