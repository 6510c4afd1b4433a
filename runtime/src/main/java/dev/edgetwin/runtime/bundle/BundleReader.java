package dev.edgetwin.runtime.bundle;

import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Reads a bundle archive (tar, optionally gzip-compressed) into an empty staging folder, checking
 * as it goes, so that nothing unchecked reaches the disk and ONNX Runtime never sees a byte of a
 * refused bundle.
 *
 * <p>Order: every entry's kind, name, the entry count and the expansion are checked as its header
 * is read; the first entry must be {@code manifest.json} and the second {@code manifest.sig}, whose
 * signature is verified against the trust store before any model file is read; each file is then
 * hashed as it is written and compared with the signed manifest; at the end every listed file must
 * have been seen. On any failure the staging folder's content is deleted.
 */
public final class BundleReader {
    private final BundleLimits limits;

    public BundleReader(BundleLimits limits) {
        this.limits = limits;
    }

    /**
     * Verifies and unpacks a signed bundle.
     *
     * @param staging an empty folder on the file system where it will be installed
     * @throws BundleException naming the check that failed
     */
    public VerifiedBundle read(Path archive, Path staging, TrustStore trust)
            throws BundleException {
        return read(archive, staging, trust, true);
    }

    /**
     * Unpacks a bundle whose signature is not checked (it may have none): for signing it. Every
     * other check still applies.
     */
    public VerifiedBundle readUnverified(Path archive, Path staging) throws BundleException {
        return read(archive, staging, null, false);
    }

    private VerifiedBundle read(Path archive, Path staging, TrustStore trust, boolean verify)
            throws BundleException {
        try {
            return unpack(archive, staging, trust, verify);
        } catch (BundleException e) {
            clear(staging);
            throw e;
        } catch (ExpansionExceeded e) {
            clear(staging);
            throw e.refusal;
        } catch (IOException e) {
            clear(staging);
            throw new BundleException(
                    Reason.NOT_AN_ARCHIVE,
                    archive + " is not a readable bundle archive: " + e.getMessage(),
                    e);
        }
    }

    private VerifiedBundle unpack(Path archive, Path staging, TrustStore trust, boolean verify)
            throws IOException, BundleException {
        if (!Files.isRegularFile(archive)) {
            throw new BundleException(Reason.NOT_AN_ARCHIVE, archive + " is not a file");
        }
        long archiveSize = Math.max(1, Files.size(archive));
        double ratioLimit = limits.maxExpansionRatio() * archiveSize;
        boolean ratioBound = ratioLimit < limits.maxContentBytes();
        long contentLimit = ratioBound ? (long) ratioLimit : limits.maxContentBytes();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
                CountingStream counted =
                        new CountingStream(
                                decompressed(file), contentLimit, ratioBound, archiveSize);
                TarArchiveInputStream tar = new TarArchiveInputStream(counted)) {
            int entries = 0;
            byte[] manifestBytes = null;
            BundleManifest manifest = null;
            String keyId = null;
            Set<String> seen = new HashSet<>();
            TarArchiveEntry entry;
            while ((entry = nextEntry(tar, archive)) != null) {
                entries++;
                if (entries > limits.maxEntries()) {
                    throw new BundleException(
                            Reason.TOO_MANY_ENTRIES,
                            archive + " holds more than " + limits.maxEntries() + " entries");
                }
                String name = entry.getName();
                checkEntry(entry, name, archive);
                counted.reserve(entry.getSize(), name);
                if (entries == 1) {
                    if (!name.equals(VerifiedBundle.MANIFEST) || !entry.isFile()) {
                        throw new BundleException(
                                Reason.BAD_MANIFEST,
                                archive
                                        + ": the first entry must be "
                                        + VerifiedBundle.MANIFEST
                                        + ", got '"
                                        + name
                                        + "'");
                    }
                    manifestBytes = readSmall(tar, entry, BundleLimits.MAX_MANIFEST_BYTES);
                    manifest = BundleManifest.parse(manifestBytes);
                    if (manifest.files().size() + 2 > limits.maxEntries()) {
                        throw new BundleException(
                                Reason.TOO_MANY_ENTRIES,
                                archive
                                        + ": the manifest lists "
                                        + manifest.files().size()
                                        + " files, more than the "
                                        + (limits.maxEntries() - 2)
                                        + " allowed");
                    }
                    Files.write(staging.resolve(VerifiedBundle.MANIFEST), manifestBytes);
                    continue;
                }
                if (entries == 2 && name.equals(VerifiedBundle.SIGNATURE) && entry.isFile()) {
                    byte[] signatureBytes = readSmall(tar, entry, BundleLimits.MAX_SIGNATURE_BYTES);
                    if (verify) {
                        keyId = verifySignature(manifestBytes, signatureBytes, trust, archive);
                    }
                    Files.write(staging.resolve(VerifiedBundle.SIGNATURE), signatureBytes);
                    continue;
                }
                if (entries == 2 && verify) {
                    throw new BundleException(
                            Reason.UNSIGNED,
                            archive
                                    + " is not signed: no "
                                    + VerifiedBundle.SIGNATURE
                                    + " after the manifest (sign it with `edgetwin keys sign`)");
                }
                if (entry.isDirectory()) {
                    if (!name.startsWith(VerifiedBundle.FILES)) {
                        throw unlisted(archive, name);
                    }
                    continue;
                }
                if (!name.startsWith(VerifiedBundle.FILES)) {
                    throw unlisted(archive, name);
                }
                String path = name.substring(VerifiedBundle.FILES.length());
                BundleManifest.FileEntry listed = manifest.file(path);
                if (listed == null || !seen.add(path)) {
                    throw unlisted(archive, name);
                }
                if (entry.getSize() != listed.size()) {
                    throw new BundleException(
                            Reason.SIZE_MISMATCH,
                            archive
                                    + ": "
                                    + name
                                    + " holds "
                                    + entry.getSize()
                                    + " bytes, the manifest says "
                                    + listed.size());
                }
                String sha256 = extract(tar, staging.resolve("files").resolve(path), staging);
                if (!sha256.equals(listed.sha256())) {
                    throw new BundleException(
                            Reason.HASH_MISMATCH,
                            archive
                                    + ": "
                                    + name
                                    + " has SHA-256 "
                                    + sha256
                                    + ", the manifest says "
                                    + listed.sha256());
                }
            }
            if (manifest == null) {
                throw new BundleException(
                        Reason.NOT_AN_ARCHIVE, archive + " holds no entries: not a bundle");
            }
            if (verify && keyId == null) {
                throw new BundleException(
                        Reason.UNSIGNED, archive + " is not signed: it holds only a manifest");
            }
            for (BundleManifest.FileEntry listed : manifest.files()) {
                if (!seen.contains(listed.path())) {
                    throw new BundleException(
                            Reason.MISSING_FILE,
                            archive
                                    + ": the manifest lists "
                                    + listed.path()
                                    + ", the archive does not hold it");
                }
            }
            return new VerifiedBundle(manifest, staging, keyId);
        }
    }

    private static InputStream decompressed(InputStream file) throws IOException {
        file.mark(2);
        int first = file.read();
        int second = file.read();
        file.reset();
        if (first == 0x1f && second == 0x8b) {
            return new GzipCompressorInputStream(file, true);
        }
        return file;
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Path archive)
            throws IOException, BundleException {
        try {
            return tar.getNextEntry();
        } catch (IllegalArgumentException e) {
            // commons-compress reports some malformed headers this way.
            throw new BundleException(
                    Reason.NOT_AN_ARCHIVE, archive + ": malformed tar header: " + e.getMessage());
        }
    }

    private static void checkEntry(TarArchiveEntry entry, String name, Path archive)
            throws BundleException {
        if (entry.isSymbolicLink()
                || entry.isLink()
                || entry.isCharacterDevice()
                || entry.isBlockDevice()
                || entry.isFIFO()
                || !(entry.isFile() || entry.isDirectory())) {
            throw new BundleException(
                    Reason.LINK_OR_SPECIAL_ENTRY,
                    archive
                            + ": entry '"
                            + name
                            + "' is "
                            + (entry.isSymbolicLink() || entry.isLink()
                                    ? "a link to '" + entry.getLinkName() + "'"
                                    : "not a regular file or folder")
                            + "; bundles hold regular files only");
        }
        String path =
                entry.isDirectory() && name.endsWith("/")
                        ? name.substring(0, name.length() - 1)
                        : name;
        String problem = EntryPaths.problem(path);
        if (problem != null) {
            throw new BundleException(
                    Reason.UNSAFE_PATH, archive + ": entry '" + name + "' " + problem);
        }
        if (entry.getSize() < 0) {
            throw new BundleException(
                    Reason.NOT_AN_ARCHIVE, archive + ": entry '" + name + "' has a negative size");
        }
    }

    private static byte[] readSmall(TarArchiveInputStream tar, TarArchiveEntry entry, int max)
            throws IOException, BundleException {
        if (entry.getSize() > max) {
            throw new BundleException(
                    Reason.TOO_LARGE,
                    entry.getName() + " is " + entry.getSize() + " bytes, more than " + max);
        }
        return tar.readNBytes((int) entry.getSize());
    }

    /** Writes the entry to a new file (never through an existing one) and returns its SHA-256. */
    private static String extract(TarArchiveInputStream tar, Path target, Path staging)
            throws IOException, BundleException {
        Path normal = target.normalize();
        if (!normal.startsWith(staging.normalize())) {
            throw new BundleException(Reason.UNSAFE_PATH, target + " lies outside the staging");
        }
        Files.createDirectories(normal.getParent());
        MessageDigest digest = sha256();
        try (OutputStream out =
                new DigestOutputStream(
                        Files.newOutputStream(
                                normal, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                        digest)) {
            tar.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String verifySignature(
            byte[] manifestBytes, byte[] signatureBytes, TrustStore trust, Path archive)
            throws BundleException, IOException {
        BundleSignature signature = BundleSignature.parse(signatureBytes);
        PublicKey key =
                trust.find(signature.keyId())
                        .orElseThrow(
                                () ->
                                        new BundleException(
                                                Reason.UNTRUSTED_KEY,
                                                archive
                                                        + " is signed by key "
                                                        + signature.keyId()
                                                        + ", which this device does not trust"
                                                        + " (trusted keys are in "
                                                        + trust.directory()
                                                        + ")"));
        if (!SigningKeys.verify(key, manifestBytes, signature.signatureBytes())) {
            throw new BundleException(
                    Reason.BAD_SIGNATURE,
                    archive
                            + ": the signature by key "
                            + signature.keyId()
                            + " does not match the manifest (edited after signing?)");
        }
        return signature.keyId();
    }

    private static BundleException unlisted(Path archive, String name) {
        return new BundleException(
                Reason.UNLISTED_FILE,
                archive + ": entry '" + name + "' is not listed in the manifest (or repeated)");
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** Deletes what a failed read left in the staging folder (the folder itself stays). */
    static void clear(Path staging) {
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (var walk = Files.walk(staging)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .filter(p -> !p.equals(staging))
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException ignored) {
                                    // Best effort: the store sweeps its staging folder on open.
                                }
                            });
        } catch (IOException ignored) {
            // As above.
        }
    }

    /**
     * Counts the decompressed bytes, refusing more than the limit, so that a compression bomb is
     * stopped while it expands, not after.
     */
    private static final class CountingStream extends FilterInputStream {
        private final long limit;
        private final boolean ratioBound;
        private final long archiveSize;
        private long count;
        private long reserved;

        CountingStream(InputStream in, long limit, boolean ratioBound, long archiveSize) {
            super(in);
            this.limit = limit;
            this.ratioBound = ratioBound;
            this.archiveSize = archiveSize;
        }

        /** Refuses an entry whose declared size alone would pass the limit, before reading it. */
        void reserve(long size, String name) throws BundleException {
            reserved = Math.max(reserved, count) + size;
            if (reserved > limit) {
                throw expansion("entry '" + name + "' (" + size + " bytes)");
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) throws IOException {
            count += n;
            if (count > limit) {
                throw new ExpansionExceeded(expansion(count + " bytes read"));
            }
        }

        private BundleException expansion(String what) {
            return ratioBound
                    ? new BundleException(
                            Reason.EXPANSION_RATIO,
                            what
                                    + " takes the content past "
                                    + limit
                                    + " bytes: more than the allowed expansion of the "
                                    + archiveSize
                                    + "-byte archive")
                    : new BundleException(
                            Reason.TOO_LARGE,
                            what + " takes the content past the limit of " + limit + " bytes");
        }
    }

    /** Carries the refusal through the tar reader, which only passes IOExceptions on. */
    private static final class ExpansionExceeded extends IOException {
        final transient BundleException refusal;

        ExpansionExceeded(BundleException refusal) {
            super(refusal.getMessage());
            this.refusal = refusal;
        }
    }
}
