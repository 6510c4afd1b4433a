package dev.edgetwin.runtime.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero-copy runs of a float32 model with fixed shapes: one direct, native-order buffer per input
 * and output, wrapped once in an ONNX tensor; each run reads the inputs from and writes the outputs
 * into those buffers (pinned outputs), so steady state creates no tensors.
 *
 * <p>Not thread-safe: one runner per thread. Owns its tensors, not the model's session. {@link
 * #close()} may be called twice; {@link #run()} after close throws {@link IllegalStateException}.
 */
public final class PinnedRunner implements AutoCloseable {
    private final OrtSession session;
    private final Map<String, FloatBuffer> inputBuffers = new LinkedHashMap<>();
    private final Map<String, FloatBuffer> outputBuffers = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
    private int tensorsCreated;
    private long runtimeAllocatedOutputs;
    private boolean closed;

    public PinnedRunner(LoadedModel model) throws InferenceException {
        this.session = model.session();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            bind(env, session.getInputInfo(), inputBuffers, inputs, model);
            bind(env, session.getOutputInfo(), outputBuffers, outputs, model);
        } catch (OrtException | InferenceException | RuntimeException e) {
            close();
            if (e instanceof InferenceException ie) {
                throw ie;
            }
            throw new InferenceException(
                    InferenceException.Code.RUN_FAILED,
                    "cannot pin the tensors of "
                            + model.path().getFileName()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private void bind(
            OrtEnvironment env,
            Map<String, NodeInfo> infos,
            Map<String, FloatBuffer> buffers,
            Map<String, OnnxTensor> tensors,
            LoadedModel model)
            throws OrtException, InferenceException {
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)
                    || t.type != OnnxJavaType.FLOAT
                    || Arrays.stream(t.getShape()).anyMatch(d -> d <= 0)) {
                throw new InferenceException(
                        InferenceException.Code.CONTRACT_MISMATCH,
                        model.path().getFileName()
                                + ": pinned runs need float32 tensors of fixed shape, '"
                                + e.getKey()
                                + "' is "
                                + e.getValue().getInfo());
            }
            long elements = Arrays.stream(t.getShape()).reduce(1, (a, b) -> a * b);
            FloatBuffer buffer =
                    ByteBuffer.allocateDirect((int) (elements * Float.BYTES))
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
            buffers.put(e.getKey(), buffer);
            tensors.put(e.getKey(), OnnxTensor.createTensor(env, buffer, t.getShape()));
            tensorsCreated++;
        }
    }

    /** The buffer to write input {@code name} into before {@link #run()}. */
    public FloatBuffer input(String name) {
        return buffer(inputBuffers, "input", name);
    }

    /** The buffer {@link #run()} writes output {@code name} into. */
    public FloatBuffer output(String name) {
        return buffer(outputBuffers, "output", name);
    }

    private static FloatBuffer buffer(Map<String, FloatBuffer> buffers, String kind, String name) {
        FloatBuffer b = buffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(
                    "no " + kind + " '" + name + "'; the model has " + buffers.keySet());
        }
        return b;
    }

    /** Runs the model on the input buffers, writing the output buffers. */
    public void run() throws InferenceException {
        if (closed) {
            throw new IllegalStateException("pinned runner is closed");
        }
        try (OrtSession.Result result = session.run(inputs, outputs)) {
            for (int i = 0; i < result.size(); i++) {
                if (result.isResultOwner(i)) {
                    runtimeAllocatedOutputs++;
                }
            }
        } catch (OrtException e) {
            throw new InferenceException(InferenceException.Code.RUN_FAILED, e.getMessage(), e);
        }
    }

    /** ONNX tensors this runner created (all at construction). */
    public int tensorsCreated() {
        return tensorsCreated;
    }

    /** Outputs ONNX Runtime allocated instead of writing the pinned ones; 0 in steady state. */
    public long runtimeAllocatedOutputs() {
        return runtimeAllocatedOutputs;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inputs.values().forEach(OnnxTensor::close);
        outputs.values().forEach(OnnxTensor::close);
    }
}
