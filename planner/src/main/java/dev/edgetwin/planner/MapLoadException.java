package dev.edgetwin.planner;

import java.nio.file.Path;

/**
 * A map in the ROS map_server format (YAML + PGM) that could not be loaded. The message names the
 * file and, where there is one, the field.
 */
public final class MapLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Code {
        /** The file could not be read. */
        UNREADABLE,
        /** A required YAML field is missing. */
        MISSING_FIELD,
        /** A YAML field has a value that cannot be used. */
        BAD_FIELD,
        /** The image is not a PGM (P5 or P2) this loader understands, or is truncated. */
        BAD_IMAGE
    }

    private final Code code;
    private final Path file;

    MapLoadException(Code code, Path file, String message) {
        super(file + ": " + message);
        this.code = code;
        this.file = file;
    }

    MapLoadException(Code code, Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.code = code;
        this.file = file;
    }

    public Code code() {
        return code;
    }

    /** The file that failed: the YAML file or the image it names. */
    public Path file() {
        return file;
    }
}
