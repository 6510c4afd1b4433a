package dev.edgetwin.planner;

/**
 * A critic that scores a batch of the best candidates at once, e.g. a learned model. The optimiser
 * calls it on a thread of its own with the cycle's best {@code M} candidates and waits for it only
 * until its deadline; when it misses, the cycle goes on with the analytic critics alone and the
 * plan says so. Implementations are called by one thread at a time.
 */
public interface BatchCritic extends AutoCloseable {
    /** The most candidates one call may carry. */
    int maxCandidates();

    /**
     * Writes a risk in [0, 1] for each of the batch's {@link TrajectoryBatch#count()} candidates
     * into {@code risk[0..count)}.
     */
    void score(TrajectoryBatch batch, float[] risk) throws Exception;

    /** A short name for logs and plan summaries. */
    String name();

    @Override
    void close();
}
