package dev.edgetwin.vision.track;

/**
 * CLEAR MOT counts over a sequence (Bernardin and Stiefelhagen, 2008).
 *
 * @param truthCount ground-truth objects summed over frames
 * @param matches object-hypothesis correspondences summed over frames
 * @param misses ground-truth objects without a hypothesis (false negatives)
 * @param falsePositives hypotheses without an object
 * @param idSwitches times an object was matched to a different hypothesis than the last one it was
 *     matched to
 * @param totalDistance sum of the matched pairs' distances, metres
 */
public record ClearMotScores(
        int truthCount,
        int matches,
        int misses,
        int falsePositives,
        int idSwitches,
        double totalDistance) {

    /** {@code 1 - (misses + false positives + id switches) / ground truth}; NaN with no truth. */
    public double mota() {
        return truthCount == 0
                ? Double.NaN
                : 1.0 - (double) (misses + falsePositives + idSwitches) / truthCount;
    }

    /** Mean distance of the matched pairs, metres; NaN with no matches. */
    public double motp() {
        return matches == 0 ? Double.NaN : totalDistance / matches;
    }
}
