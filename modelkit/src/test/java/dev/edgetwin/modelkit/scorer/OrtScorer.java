package dev.edgetwin.modelkit.scorer;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;

/** A scorer model loaded in ONNX Runtime on the CPU, for tests. */
final class OrtScorer implements ScorerEvaluation.Scorer, AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtScorer(byte[] model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            session = env.createSession(model, options);
        }
    }

    OrtSession session() {
        return session;
    }

    @Override
    public float[] score(float[] trajectories, int candidates) {
        long[] shape = {candidates, ScorerContract.STEPS, ScorerContract.FEATURES};
        try (OnnxTensor input =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(trajectories), shape);
                OrtSession.Result result = session.run(Map.of(ScorerContract.INPUT_NAME, input))) {
            OnnxTensor risk = (OnnxTensor) result.get(ScorerContract.OUTPUT_NAME).orElseThrow();
            long[] outShape = risk.getInfo().getShape();
            if (outShape.length != 1 || outShape[0] != candidates) {
                throw new IllegalStateException(
                        "expected risk [" + candidates + "], got " + Arrays.toString(outShape));
            }
            FloatBuffer out = risk.getFloatBuffer();
            float[] copy = new float[out.remaining()];
            out.get(copy);
            return copy;
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "ONNX Runtime failed to score " + candidates + " candidates", e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
