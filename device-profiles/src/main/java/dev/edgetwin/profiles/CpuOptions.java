package dev.edgetwin.profiles;

/**
 * Threading for ONNX Runtime's CPU execution provider (and the CPU parts of every session).
 *
 * @param intraOpThreads threads inside one operator; 0 = ONNX Runtime's default (one per physical
 *     core)
 * @param interOpThreads threads running independent operators in parallel; 0 = ONNX Runtime's
 *     default. 1 keeps execution sequential, which suits the small graphs here.
 * @param spinning whether idle pool threads spin before sleeping ({@code
 *     session.intra_op.allow_spinning}): lower latency, but a spinning core is lost to capture and
 *     planning and heats a fanless board
 */
public record CpuOptions(int intraOpThreads, int interOpThreads, boolean spinning) {

    /** No edge board has this many cores; a larger number is a typo. */
    static final int MAX_THREADS = 256;

    public CpuOptions {
        checkThreads("cpu.intraOpThreads", intraOpThreads);
        checkThreads("cpu.interOpThreads", interOpThreads);
    }

    private static void checkThreads(String field, int threads) {
        if (threads < 0 || threads > MAX_THREADS) {
            throw new IllegalArgumentException(
                    field
                            + ": "
                            + threads
                            + " is not in 0.."
                            + MAX_THREADS
                            + " (0 = ONNX Runtime's default)");
        }
    }
}
