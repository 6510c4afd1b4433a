package dev.edgetwin.runtime.bundle;

import dev.edgetwin.modelkit.ModelKitVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Keys, manifests and archives for the bundle tests, hostile ones included. */
public final class TestBundles {
    private TestBundles() {}

    /** A detector manifest for {@code files} (path -> content file). */
    public static BundleManifest manifest(String name, String version, Map<String, Path> files)
            throws IOException {
        String model = files.keySet().iterator().next();
        return new BundleManifest(
                BundleManifest.FORMAT,
                name,
                version,
                "detector",
                model,
                "0.1.0",
                "test bundle",
                BundlePacker.describe(files),
                new BundleManifest.Contract(
                        List.of(
                                new BundleManifest.Tensor(
                                        "images", "float32", List.of("1", "3", "320", "320"))),
                        List.of(
                                new BundleManifest.Tensor(
                                        "output0", "float32", List.of("1", "7", "N")))),
                new BundleManifest.Processing(
                        320, List.of("robot", "person", "box"), 0.5, 0.5, "auto"),
                new BundleManifest.DeviceConstraints(List.of(), List.of("fp32")));
    }

    /** A new key pair written under {@code dir} and a trust store there that trusts it. */
    public record Signer(KeyPair key, TrustStore trust) {}

    public static Signer trustedSigner(Path dir) throws IOException {
        KeyPair key = SigningKeys.generate();
        SigningKeys.write(key, dir.resolve("keys/signer.key"), dir.resolve("keys/signer.pub"));
        TrustStore trust = new TrustStore(dir.resolve("trust"));
        trust.trust(dir.resolve("keys/signer.pub"));
        return new Signer(key, trust);
    }

    public static String runtimeVersion() {
        return ModelKitVersion.VERSION;
    }

    /** A signed bundle of one model file, written by the real packer. */
    public static Path signed(Path out, KeyPair key, String name, String version, Path model)
            throws Exception {
        BundleManifest m = manifest(name, version, Map.of(model.getFileName().toString(), model));
        BundlePacker.write(
                m,
                BundleSignature.sign(m.toJson(), key.getPrivate(), key.getPublic()),
                Map.of(model.getFileName().toString(), model),
                out);
        return out;
    }

    /** Writes an archive entry by entry, so tests can build what the packer never would. */
    public static Path rawTar(Path out, boolean gzip, Consumer<TarWriter> entries)
            throws IOException {
        try (OutputStream file = Files.newOutputStream(out);
                OutputStream body = gzip ? new GZIPOutputStream(file) : file;
                TarArchiveOutputStream tar = new TarArchiveOutputStream(body)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            entries.accept(new TarWriter(tar));
            tar.finish();
        }
        return out;
    }

    /** Entry writer for {@link #rawTar}. */
    public static final class TarWriter {
        private final TarArchiveOutputStream tar;

        TarWriter(TarArchiveOutputStream tar) {
            this.tar = tar;
        }

        public TarWriter file(String name, byte[] content) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(name, true);
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
                return this;
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }

        /** A file of {@code size} zero bytes, streamed (for compression bombs). */
        public TarWriter zeros(String name, long size) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(name, true);
                e.setSize(size);
                tar.putArchiveEntry(e);
                byte[] block = new byte[1 << 16];
                for (long left = size; left > 0; left -= block.length) {
                    tar.write(block, 0, (int) Math.min(block.length, left));
                }
                tar.closeArchiveEntry();
                return this;
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }

        public TarWriter symlink(String name, String target) {
            try {
                TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK, true);
                e.setLinkName(target);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
                return this;
            } catch (IOException ex) {
                throw new java.io.UncheckedIOException(ex);
            }
        }
    }

    /** A bundle as {@link #signed} writes it, without its {@code manifest.sig}. */
    public static Path unsigned(Path out, String name, String version, Path model)
            throws IOException {
        String file = model.getFileName().toString();
        BundleManifest m = manifest(name, version, Map.of(file, model));
        byte[] modelBytes = Files.readAllBytes(model);
        return rawTar(
                out,
                false,
                w -> w.file("manifest.json", m.toJson()).file("files/" + file, modelBytes));
    }

    public static byte[] sign(BundleManifest m, KeyPair key) {
        return BundleSignature.sign(m.toJson(), key.getPrivate(), key.getPublic()).toJson();
    }
}
