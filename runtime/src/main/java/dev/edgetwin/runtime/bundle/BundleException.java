package dev.edgetwin.runtime.bundle;

/**
 * A model bundle was refused, or the model store could not do what was asked. The {@link Reason}
 * says which check failed, so tools and tests can tell a tampered bundle from a full disk; the
 * message names the bundle, the entry or the version concerned.
 */
public final class BundleException extends Exception {

    /** Which check refused the bundle or the store operation. */
    public enum Reason {
        /** The file is not a (gzip-compressed) tar archive, or it is truncated. */
        NOT_AN_ARCHIVE,
        /** An entry name is absolute, contains {@code ..}, a backslash or an empty segment. */
        UNSAFE_PATH,
        /** A symbolic or hard link, a device or a FIFO: bundles hold regular files only. */
        LINK_OR_SPECIAL_ENTRY,
        /** More entries than the limit allows. */
        TOO_MANY_ENTRIES,
        /** The content expands to more than the allowed multiple of the archive's size. */
        EXPANSION_RATIO,
        /** The content is larger than the absolute limit. */
        TOO_LARGE,
        /** No {@code manifest.sig}, or it does not follow the manifest. */
        UNSIGNED,
        /** Signed by a key that is not in the device's trust store. */
        UNTRUSTED_KEY,
        /** The signature does not verify against the manifest bytes. */
        BAD_SIGNATURE,
        /** The manifest is missing, not valid JSON, or breaks a rule of the format. */
        BAD_MANIFEST,
        /** A file listed in the manifest is absent from the archive. */
        MISSING_FILE,
        /** The archive holds a file the manifest does not list, or holds one twice. */
        UNLISTED_FILE,
        /** A file's size differs from the manifest's. */
        SIZE_MISMATCH,
        /** A file's SHA-256 differs from the manifest's. */
        HASH_MISMATCH,
        /** The bundle is older than the installed version of the same model. */
        DOWNGRADE,
        /** The bundle needs a newer runtime than this one. */
        RUNTIME_TOO_OLD,
        /** The same name and version is installed with different content. */
        VERSION_CONFLICT,
        /** The named model or version is not installed, or there is nothing to roll back to. */
        NOT_INSTALLED,
        /** ONNX Runtime could not load the model, or it broke the detector contract. */
        MODEL_REJECTED,
        /**
         * A bundle sent in chunks was refused: a chunk whose hash or index is wrong, a transfer
         * over the limits, another transfer in progress, or one whose chunks stopped coming.
         */
        BAD_TRANSFER,
        /** A file of the model store could not be read or written. */
        STORE_IO
    }

    private final Reason reason;

    public BundleException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BundleException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
