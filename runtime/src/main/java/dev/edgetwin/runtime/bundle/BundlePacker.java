package dev.edgetwin.runtime.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes bundle archives: {@code manifest.json}, then {@code manifest.sig} when signed, then the
 * files under {@code files/}, as a plain tar with fixed owners, modes and times, so the same inputs
 * give the same bytes.
 */
public final class BundlePacker {
    private BundlePacker() {}

    /** Size and SHA-256 of each file, in the given order, as the manifest lists them. */
    public static List<BundleManifest.FileEntry> describe(Map<String, Path> files)
            throws IOException {
        List<BundleManifest.FileEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            entries.add(
                    new BundleManifest.FileEntry(
                            f.getKey(), Files.size(f.getValue()), sha256(f.getValue())));
        }
        return entries;
    }

    /**
     * Writes a bundle atomically (a temporary file renamed over {@code output}).
     *
     * @param files path in the bundle -> source file; must be exactly the manifest's files
     * @param signature null for an unsigned bundle (to be signed with {@code edgetwin keys sign})
     * @throws BundleException when the manifest is invalid or does not describe {@code files}
     */
    public static void write(
            BundleManifest manifest,
            BundleSignature signature,
            Map<String, Path> files,
            Path output)
            throws IOException, BundleException {
        manifest.check();
        Map<String, Path> ordered = new LinkedHashMap<>();
        for (BundleManifest.FileEntry f : manifest.files()) {
            Path source = files.get(f.path());
            if (source == null) {
                throw new BundleException(
                        BundleException.Reason.MISSING_FILE,
                        "the manifest lists " + f.path() + ", no source file was given for it");
            }
            if (Files.size(source) != f.size() || !sha256(source).equals(f.sha256())) {
                throw new BundleException(
                        BundleException.Reason.HASH_MISMATCH,
                        source + " does not match the manifest's entry for " + f.path());
            }
            ordered.put(f.path(), source);
        }
        if (ordered.size() != files.size()) {
            throw new BundleException(
                    BundleException.Reason.UNLISTED_FILE,
                    "files given that the manifest does not list: " + files.keySet());
        }
        Path absolute = output.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = Files.createTempFile(absolute.getParent(), ".bundle-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary, StandardOpenOption.WRITE);
                    TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
                tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
                put(tar, VerifiedBundle.MANIFEST, manifest.toJson());
                if (signature != null) {
                    put(tar, VerifiedBundle.SIGNATURE, signature.toJson());
                }
                for (Map.Entry<String, Path> f : ordered.entrySet()) {
                    TarArchiveEntry entry = entry(VerifiedBundle.FILES + f.getKey());
                    entry.setSize(Files.size(f.getValue()));
                    tar.putArchiveEntry(entry);
                    try (InputStream in = Files.newInputStream(f.getValue())) {
                        in.transferTo(tar);
                    }
                    tar.closeArchiveEntry();
                }
                tar.finish();
            }
            Files.move(
                    temporary,
                    absolute,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content)
            throws IOException {
        TarArchiveEntry entry = entry(name);
        entry.setSize(content.length);
        tar.putArchiveEntry(entry);
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry entry(String name) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setModTime(0);
        entry.setMode(0644);
        entry.setIds(0, 0);
        entry.setNames("", "");
        return entry;
    }

    /** The SHA-256 of a file, lowercase hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = BundleReader.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
