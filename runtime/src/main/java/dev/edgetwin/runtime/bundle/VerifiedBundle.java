package dev.edgetwin.runtime.bundle;

import java.nio.file.Path;

/**
 * A bundle that passed every check, unpacked: {@code directory} holds {@code manifest.json}, {@code
 * manifest.sig} (absent when read unsigned for signing) and the files under {@code files/}.
 *
 * @param keyId the trusted key that signed it; null when read without a trust store
 */
public record VerifiedBundle(BundleManifest manifest, Path directory, String keyId) {
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";
    public static final String FILES = "files/";

    /** Where a file of the manifest lies once unpacked. */
    public Path file(String path) {
        return directory.resolve("files").resolve(path);
    }

    /** The file ONNX Runtime loads. */
    public Path modelFile() {
        return file(manifest.model());
    }
}
