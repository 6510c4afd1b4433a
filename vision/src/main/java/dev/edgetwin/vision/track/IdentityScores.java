package dev.edgetwin.vision.track;

/**
 * ID-based scores over a sequence (Ristani et al., 2016): each ground-truth id is paired with at
 * most one output id for the whole sequence.
 *
 * @param idtp frames where an object and its paired output id are both present and match
 * @param idfp output positions not counted in {@code idtp}
 * @param idfn ground-truth positions not counted in {@code idtp}
 */
public record IdentityScores(int idtp, int idfp, int idfn) {

    /** {@code 2 IDTP / (2 IDTP + IDFP + IDFN)}; NaN when both sides are empty. */
    public double idf1() {
        int denominator = 2 * idtp + idfp + idfn;
        return denominator == 0 ? Double.NaN : 2.0 * idtp / denominator;
    }

    /** {@code IDTP / (IDTP + IDFP)}. */
    public double idPrecision() {
        return idtp + idfp == 0 ? Double.NaN : (double) idtp / (idtp + idfp);
    }

    /** {@code IDTP / (IDTP + IDFN)}. */
    public double idRecall() {
        return idtp + idfn == 0 ? Double.NaN : (double) idtp / (idtp + idfn);
    }
}
