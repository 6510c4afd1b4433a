package dev.edgetwin.modelkit.quantize;

import java.util.Objects;

/**
 * Why {@link StaticQuantizer} could not quantize a model. The message says what was expected and
 * what was found, naming the file, folder, node or tensor concerned; {@link #code()} says which
 * kind of problem it is.
 */
public final class QuantizationException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of problem. */
    public enum Code {
        /** The input model could not be read: missing, a directory, no permission, I/O error. */
        UNREADABLE_MODEL,
        /** The input is not an ONNX model (text, empty, another protobuf) or is damaged. */
        NOT_ONNX,
        /**
         * A sound ONNX model this quantizer does not take: already quantized, opset below 13, not
         * exactly one float32 input, weights in external data files.
         */
        UNSUPPORTED_MODEL,
        /**
         * A node that must be quantized but cannot be: a weighted layer other than Conv, Gemm or
         * MatMul (ConvTranspose, LSTM...), a Conv whose weights are not constant, a subgraph (If,
         * Loop, Scan). Excluding the node keeps it float.
         */
        UNSUPPORTED_OPERATOR,
        /** An option names nothing in the model (an excluded node or operator type). */
        BAD_OPTION,
        /** No calibration frames: a folder without PNG or JPEG images, or zero frames asked. */
        EMPTY_CALIBRATION,
        /**
         * The calibration data cannot be used: a missing or unreadable folder, an image that does
         * not decode, tensors of the wrong shape for the model input.
         */
        BAD_CALIBRATION,
        /** ONNX Runtime could not load or run the float model, or an activation was not finite. */
        CALIBRATION_FAILED,
        /** The quantized model could not be written. */
        WRITE_FAILED
    }

    private final Code code;

    QuantizationException(Code code, String message) {
        this(code, message, null);
    }

    QuantizationException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public Code code() {
        return code;
    }
}
