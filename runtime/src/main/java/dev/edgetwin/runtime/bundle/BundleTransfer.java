package dev.edgetwin.runtime.bundle;

import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * One bundle arriving in chunks (the {@code bundle-chunk} model command), assembled in the model
 * store's staging area: each chunk is checked against its SHA-256 before it is kept, duplicates (an
 * MQTT redelivery) are accepted once, and when every chunk is there the bundle's size and SHA-256
 * are checked over the whole. The bundle is then installed through {@link ModelStore#install},
 * which verifies its signature like any other.
 *
 * <p>Limits ({@link Limits}): the whole size, the chunk count, one chunk's size, and one transfer
 * at a time; a transfer that receives no chunk for {@link Limits#idleTimeout()} is dropped, so a
 * missing chunk does not hold the staging area for good.
 *
 * <p>Threads: one thread at a time (the daemon's model command worker).
 */
public final class BundleTransfer implements AutoCloseable {
    /** A transfer id: chosen by the sender, also a folder name. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * The bounds on a chunked transfer.
     *
     * @param maxBundleBytes the largest bundle accepted
     * @param maxChunks the most chunks one bundle may come in
     * @param maxChunkBytes the largest chunk (decoded)
     * @param idleTimeout a transfer with no chunk for this long is dropped
     */
    public record Limits(
            long maxBundleBytes, int maxChunks, int maxChunkBytes, Duration idleTimeout) {
        public Limits {
            if (maxBundleBytes < 1 || maxChunks < 1 || maxChunkBytes < 1) {
                throw new IllegalArgumentException(
                        "transfer limits must be positive, got "
                                + maxBundleBytes
                                + " bytes, "
                                + maxChunks
                                + " chunks, "
                                + maxChunkBytes
                                + " bytes per chunk");
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "idleTimeout must be positive, got " + idleTimeout);
            }
        }

        /** 512 MiB in at most 8192 chunks of at most 512 KiB, dropped after 5 minutes idle. */
        public static Limits defaults() {
            return new Limits(512L << 20, 8192, 512 << 10, Duration.ofMinutes(5));
        }
    }

    /**
     * What a chunk did.
     *
     * @param received chunks held now
     * @param count chunks the bundle has
     * @param bundle the assembled, checked bundle once the last chunk arrived; else null (the
     *     caller installs it, then calls {@link #finish})
     */
    public record Progress(String transfer, int received, int count, Path bundle) {}

    private final ModelStore store;
    private final Limits limits;
    private final LongSupplier nanoClock;

    // The transfer in progress, or none (id == null).
    private String id;
    private int count;
    private long size;
    private String sha256;
    private Path folder;
    private BitSet received;
    private long receivedBytes;
    private long lastChunkNanos;

    /**
     * @param nanoClock {@link System#nanoTime} in the daemon; tests pass their own
     */
    public BundleTransfer(ModelStore store, Limits limits, LongSupplier nanoClock) {
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /** The transfer in progress, or null. */
    public String current() {
        return id;
    }

    /**
     * Drops the transfer in progress when its chunks stopped coming.
     *
     * @return the refusal describing the dropped transfer, or null when nothing was dropped
     */
    public BundleException expire() {
        if (id == null || nanoClock.getAsLong() - lastChunkNanos < limits.idleTimeout().toNanos()) {
            return null;
        }
        BundleException e =
                new BundleException(
                        Reason.BAD_TRANSFER,
                        "transfer "
                                + id
                                + " dropped: no chunk for "
                                + limits.idleTimeout().toSeconds()
                                + " s, "
                                + received.cardinality()
                                + " of "
                                + count
                                + " chunks received (missing: "
                                + missing()
                                + ")");
        finish();
        return e;
    }

    /**
     * Takes one chunk.
     *
     * @param transfer the transfer's id
     * @param index this chunk's place, 0 to {@code count - 1}
     * @param count how many chunks the bundle has (the same in every chunk)
     * @param bundleSize the whole bundle's bytes (the same in every chunk)
     * @param bundleSha256 the whole bundle's SHA-256, lowercase hex (the same in every chunk)
     * @param chunkSha256 this chunk's SHA-256, lowercase hex
     * @throws BundleException ({@code BAD_TRANSFER}) when the chunk is refused: another transfer is
     *     in progress, the chunk disagrees with the transfer, is over a limit or fails its hash
     *     (the transfer stays; send the chunk again); or the assembled bundle fails its size or
     *     hash (the transfer is dropped)
     */
    public Progress accept(
            String transfer,
            int index,
            int count,
            long bundleSize,
            String bundleSha256,
            String chunkSha256,
            byte[] data)
            throws BundleException {
        BundleException expired = expire();
        if (expired != null) {
            org.tinylog.Logger.warn(expired.getMessage());
        }
        if (!ID.matcher(transfer).matches()) {
            throw bad("transfer id must be 1-64 of [A-Za-z0-9_.-], got '" + clip(transfer) + "'");
        }
        if (count < 1 || count > limits.maxChunks()) {
            throw bad("count must be 1-" + limits.maxChunks() + ", got " + count);
        }
        if (index < 0 || index >= count) {
            throw bad("index must be 0-" + (count - 1) + ", got " + index);
        }
        if (bundleSize < 1 || bundleSize > limits.maxBundleBytes()) {
            throw bad(
                    "the bundle's size must be 1-"
                            + limits.maxBundleBytes()
                            + " bytes, got "
                            + bundleSize);
        }
        if (!SHA256.matcher(bundleSha256).matches() || !SHA256.matcher(chunkSha256).matches()) {
            throw bad("sha256 and chunkSha256 must be 64 lowercase hex digits");
        }
        if (data.length < 1 || data.length > limits.maxChunkBytes()) {
            throw bad(
                    "a chunk holds 1-"
                            + limits.maxChunkBytes()
                            + " bytes, chunk "
                            + index
                            + " holds "
                            + data.length);
        }
        if (id != null && !id.equals(transfer)) {
            throw bad(
                    "transfer "
                            + id
                            + " is in progress ("
                            + received.cardinality()
                            + " of "
                            + this.count
                            + " chunks); one transfer at a time");
        }
        if (id != null
                && (this.count != count
                        || this.size != bundleSize
                        || !this.sha256.equals(bundleSha256))) {
            throw bad(
                    "chunk "
                            + index
                            + " of transfer "
                            + id
                            + " disagrees with its first chunk on count, size or sha256");
        }
        String actual = hex(sha256(data));
        if (!actual.equals(chunkSha256)) {
            throw bad(
                    "chunk "
                            + index
                            + " of transfer "
                            + transfer
                            + " has SHA-256 "
                            + actual.substring(0, 16)
                            + "..., the command says "
                            + chunkSha256.substring(0, 16)
                            + "...; send it again");
        }
        if (id == null) {
            begin(transfer, count, bundleSize, bundleSha256);
        }
        lastChunkNanos = nanoClock.getAsLong();
        if (!received.get(index)) {
            if (receivedBytes + data.length > size) {
                throw bad(
                        "chunk "
                                + index
                                + " takes transfer "
                                + id
                                + " past its declared "
                                + size
                                + " bytes");
            }
            try {
                Files.write(folder.resolve(chunkName(index)), data, StandardOpenOption.CREATE_NEW);
            } catch (IOException e) {
                throw new BundleException(
                        Reason.STORE_IO, "cannot keep chunk " + index + " of " + id + ": " + e, e);
            }
            received.set(index);
            receivedBytes += data.length;
        }
        if (received.cardinality() < count) {
            return new Progress(id, received.cardinality(), count, null);
        }
        return new Progress(id, count, count, assemble());
    }

    /** Deletes the transfer in progress and its files. */
    public void finish() {
        if (folder != null) {
            ModelStore.deleteTree(folder);
        }
        id = null;
        folder = null;
        received = null;
    }

    @Override
    public void close() {
        finish();
    }

    private void begin(String transfer, int chunks, long bundleSize, String bundleSha256)
            throws BundleException {
        try {
            folder = Files.createTempDirectory(store.stagingArea(), "transfer-" + transfer + "-");
        } catch (IOException e) {
            throw new BundleException(
                    Reason.STORE_IO, "cannot stage transfer " + transfer + ": " + e, e);
        }
        id = transfer;
        count = chunks;
        size = bundleSize;
        sha256 = bundleSha256;
        received = new BitSet(chunks);
        receivedBytes = 0;
        org.tinylog.Logger.info(
                "Bundle transfer {} started: {} bytes in {} chunks", transfer, bundleSize, chunks);
    }

    private Path assemble() throws BundleException {
        Path bundle = folder.resolve("bundle.tar");
        MessageDigest digest = newDigest();
        long total = 0;
        try (OutputStream out = Files.newOutputStream(bundle, StandardOpenOption.CREATE_NEW)) {
            byte[] buffer = new byte[1 << 16];
            for (int i = 0; i < count; i++) {
                Path chunk = folder.resolve(chunkName(i));
                try (InputStream in = Files.newInputStream(chunk)) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        out.write(buffer, 0, n);
                        digest.update(buffer, 0, n);
                        total += n;
                    }
                }
                Files.delete(chunk);
            }
        } catch (IOException e) {
            String was = id;
            finish();
            throw new BundleException(Reason.STORE_IO, "cannot assemble " + was + ": " + e, e);
        }
        String actual = hex(digest.digest());
        if (total != size || !actual.equals(sha256)) {
            String was = id;
            long declared = size;
            String expected = sha256;
            finish();
            throw bad(
                    "transfer "
                            + was
                            + " assembled to "
                            + total
                            + " bytes with SHA-256 "
                            + actual.substring(0, 16)
                            + "..., the chunks declared "
                            + declared
                            + " bytes and "
                            + expected.substring(0, 16)
                            + "...; dropped");
        }
        return bundle;
    }

    private String missing() {
        StringBuilder s = new StringBuilder();
        int shown = 0;
        for (int i = received.nextClearBit(0); i < count; i = received.nextClearBit(i + 1)) {
            if (shown++ == 8) {
                s.append(", ...");
                break;
            }
            s.append(s.length() == 0 ? "" : ", ").append(i);
        }
        return s.toString();
    }

    private static String chunkName(int index) {
        return String.format(java.util.Locale.ROOT, "chunk-%06d", index);
    }

    private static BundleException bad(String message) {
        return new BundleException(Reason.BAD_TRANSFER, message);
    }

    private static String clip(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    static byte[] sha256(byte[] data) {
        return newDigest().digest(data);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
