package dev.edgetwin.vision;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

/**
 * A detector's image input: the letterbox for its element type (float32 in [0, 1], or uint8 grey
 * levels for models that normalise inside) and the ONNX tensor that wraps its reused buffer. Owns
 * the tensor.
 */
final class LetterboxInput implements AutoCloseable {
    private final LetterboxPreprocessor floats;
    private final Uint8LetterboxPreprocessor bytes;
    private final OnnxTensor tensor;

    private LetterboxInput(
            LetterboxPreprocessor floats, Uint8LetterboxPreprocessor bytes, OnnxTensor tensor) {
        this.floats = floats;
        this.bytes = bytes;
        this.tensor = tensor;
    }

    /** Whether a model input of {@code type} can be fed: float32 or uint8. */
    static boolean supports(OnnxJavaType type) {
        return type == OnnxJavaType.FLOAT || type == OnnxJavaType.UINT8;
    }

    static LetterboxInput create(OrtEnvironment env, OnnxJavaType type, int width, int height)
            throws OrtException {
        if (type == OnnxJavaType.UINT8) {
            Uint8LetterboxPreprocessor p = new Uint8LetterboxPreprocessor(width, height);
            return new LetterboxInput(
                    null,
                    p,
                    OnnxTensor.createTensor(
                            env, p.inputBuffer(), p.inputShape(), OnnxJavaType.UINT8));
        }
        LetterboxPreprocessor p = new LetterboxPreprocessor(width, height);
        return new LetterboxInput(
                p, null, OnnxTensor.createTensor(env, p.inputBuffer(), p.inputShape()));
    }

    /** Letterboxes {@code frame} into the tensor's buffer. */
    LetterboxTransform prepare(Frame frame) {
        return floats != null ? floats.prepare(frame) : bytes.prepare(frame);
    }

    OnnxTensor tensor() {
        return tensor;
    }

    boolean uint8() {
        return bytes != null;
    }

    @Override
    public void close() {
        tensor.close();
    }
}
