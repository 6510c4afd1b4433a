package dev.edgetwin.vision.track;

/** Where a track is in its life. */
public enum TrackState {
    /** Started by an unmatched high-confidence measurement; not yet seen often enough. */
    TENTATIVE,
    /** Seen in enough updates; the ids worth publishing. */
    CONFIRMED,
    /** Confirmed, then missed: predicted forward and can be re-found until its maximum age. */
    LOST,
    /** Gone for good; reported once, in the update that removed it. */
    REMOVED
}
