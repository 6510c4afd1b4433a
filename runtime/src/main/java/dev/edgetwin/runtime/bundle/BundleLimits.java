package dev.edgetwin.runtime.bundle;

/**
 * What a bundle may hold before it is refused unread: a bound on entries, on how far its content
 * may expand relative to the archive (compression bombs) and on its total size.
 *
 * @param maxEntries entries of any kind, manifest and signature included
 * @param maxExpansionRatio content bytes (tar headers included) over the archive file's size
 * @param maxContentBytes content bytes in all
 */
public record BundleLimits(int maxEntries, double maxExpansionRatio, long maxContentBytes) {
    public static final int MAX_MANIFEST_BYTES = 4 << 20;
    public static final int MAX_SIGNATURE_BYTES = 4 << 10;

    public BundleLimits {
        if (maxEntries < 3) {
            throw new IllegalArgumentException("maxEntries must be >= 3, got " + maxEntries);
        }
        if (!(maxExpansionRatio >= 1)) {
            throw new IllegalArgumentException(
                    "maxExpansionRatio must be >= 1, got " + maxExpansionRatio);
        }
        if (maxContentBytes < 1) {
            throw new IllegalArgumentException(
                    "maxContentBytes must be >= 1, got " + maxContentBytes);
        }
    }

    /** 256 entries, 100x expansion, 4 GiB. */
    public static BundleLimits defaults() {
        return new BundleLimits(256, 100, 4L << 30);
    }
}
