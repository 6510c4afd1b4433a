package dev.edgetwin.modelkit;

import java.util.Objects;

/**
 * Why {@link ModelInspector} could not describe a file. The message names the file and says what
 * was expected and what was found; {@link #code()} says which kind of problem it is.
 */
public final class ModelInspectionException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of problem. */
    public enum Code {
        /** The file could not be read: missing, a directory, no permission, an I/O error. */
        UNREADABLE,
        /**
         * The bytes are not an ONNX model: empty, text, a Git LFS pointer, a ZIP, another protobuf.
         */
        NOT_ONNX,
        /** The bytes are meant to be an ONNX model but are damaged: cut short, inconsistent. */
        INVALID
    }

    private final Code code;
    private final String file;

    ModelInspectionException(Code code, String file, String message) {
        this(code, file, message, null);
    }

    ModelInspectionException(Code code, String file, String message, Throwable cause) {
        // Names and text from the file end up here: no control characters for the terminal.
        super(ModelReport.printable(file + ": " + message), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.file = Objects.requireNonNull(file, "file");
    }

    public Code code() {
        return code;
    }

    /** The file (or name given for in-memory bytes) that was inspected. */
    public String file() {
        return file;
    }
}
