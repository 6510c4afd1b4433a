package dev.edgetwin.modelkit;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/** A detector model loaded in ONNX Runtime on the CPU, for tests: one frame in, output0 out. */
final class OrtModel implements AutoCloseable {
    private static final int INPUT_FLOATS =
            3 * DetectorContract.INPUT_SIZE * DetectorContract.INPUT_SIZE;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final FloatBuffer input =
            ByteBuffer.allocateDirect(INPUT_FLOATS * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
    private final OnnxTensor tensor;

    OrtModel(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            session = env.createSession(model, options);
        }
        long s = DetectorContract.INPUT_SIZE;
        tensor = OnnxTensor.createTensor(env, input, new long[] {1, 3, s, s});
    }

    OrtSession session() {
        return session;
    }

    /** Runs one [1, 3, 320, 320] CHW image; returns output0 flattened, channel-major. */
    float[] run(float[] chw) throws OrtException {
        if (chw.length != INPUT_FLOATS) {
            throw new IllegalArgumentException(
                    "expected " + INPUT_FLOATS + " input floats, got " + chw.length);
        }
        input.clear();
        input.put(chw);
        input.rewind();
        try (OrtSession.Result result = session.run(Map.of(DetectorContract.INPUT_NAME, tensor))) {
            FloatBuffer out =
                    ((OnnxTensor) result.get(DetectorContract.OUTPUT_NAME).orElseThrow())
                            .getFloatBuffer();
            float[] copy = new float[out.remaining()];
            out.get(copy);
            return copy;
        }
    }

    @Override
    public void close() throws OrtException {
        tensor.close();
        session.close();
    }
}
