package dev.edgetwin.vision;

/** Why a detector could not be opened or could not run. */
public final class DetectorException extends Exception {

    /** What went wrong, for callers that react differently to each. */
    public enum Code {
        /** The model file does not exist or cannot be read. */
        MODEL_NOT_FOUND,
        /** ONNX Runtime rejected the model file. */
        MODEL_INVALID,
        /** The model's inputs, outputs or metadata do not match a supported detector layout. */
        UNSUPPORTED_LAYOUT,
        /** A run failed after the model was loaded. */
        INFERENCE_FAILED
    }

    private final Code code;

    public DetectorException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public DetectorException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    @Override
    public String getMessage() {
        return code + ": " + super.getMessage();
    }
}
