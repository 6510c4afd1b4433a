package dev.edgetwin.runtime.bundle;

import java.nio.file.Path;

/**
 * One version of a model in the store.
 *
 * @param directory {@code <store>/<name>/<version>}: the bundle as verified, unpacked
 * @param active whether the name's {@code active} pointer names this version
 */
public record InstalledModel(
        BundleManifest manifest, Path directory, String keyId, boolean active) {
    public String name() {
        return manifest.name();
    }

    public String version() {
        return manifest.version();
    }

    /** {@code name@version}. */
    public String id() {
        return manifest.name() + "@" + manifest.version();
    }

    /** The file ONNX Runtime loads. */
    public Path modelFile() {
        return directory.resolve("files").resolve(manifest.model());
    }
}
