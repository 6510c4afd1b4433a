package dev.edgetwin.modelkit.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.edgetwin.modelkit.QuantizerTestModels;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Running models in ONNX Runtime and reading quantization parameters back, for the tests. */
final class QdqTestSupport {
    private QdqTestSupport() {}

    /** A model loaded on the CPU with one intra-op thread; runs one input at a time. */
    static final class Model implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;

        Model(byte[] bytes) throws OrtException {
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setIntraOpNumThreads(1);
                session = env.createSession(bytes, o);
            }
        }

        OrtSession session() {
            return session;
        }

        float[] run(float[] input, long[] shape) throws OrtException {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                    OrtSession.Result r = session.run(Map.of(QuantizerTestModels.INPUT, t))) {
                FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] y = new float[out.remaining()];
                out.get(y);
                return y;
            }
        }

        @Override
        public void close() throws OrtException {
            session.close();
        }
    }

    /** {@code count} inputs of {@code shape} with values uniform in [0, 1). */
    static List<float[]> uniform(long[] shape, int count, long seed) {
        var random = new SplittableRandom(seed);
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] x = new float[size];
            for (int k = 0; k < size; k++) {
                x[k] = (float) random.nextDouble();
            }
            out.add(x);
        }
        return out;
    }

    /** Letterboxed frames of the demo factory, as model inputs [1, 3, size, size]. */
    static List<float[]> simulatorInputs(long seed, int frames, int size) throws Exception {
        CalibrationSet.Feeder feeder =
                CalibrationSet.simulator(seed, frames)
                        .open(QuantizerTestModels.INPUT, new long[] {1, 3, size, size});
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            out.add(feeder.input(i));
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** ||approx - exact|| / ||exact|| (L2). */
    static double relativeError(float[] exact, float[] approx) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < exact.length; i++) {
            diff += ((double) approx[i] - exact[i]) * ((double) approx[i] - exact[i]);
            norm += (double) exact[i] * exact[i];
        }
        return Math.sqrt(diff / norm);
    }

    static ModelProto parse(byte[] model) throws Exception {
        return ModelProto.parseFrom(model);
    }

    static Map<String, TensorProto> initializers(ModelProto m) {
        Map<String, TensorProto> out = new HashMap<>();
        m.getGraph().getInitializerList().forEach(t -> out.put(t.getName(), t));
        return out;
    }

    /** The node that outputs {@code value}. */
    static NodeProto producer(ModelProto m, String value) {
        return m.getGraph().getNodeList().stream()
                .filter(n -> n.getOutputList().contains(value))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing produces " + value));
    }

    /** The QuantizeLinear reading {@code tensor}, or null. */
    static NodeProto quantizerOf(ModelProto m, String tensor) {
        return m.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("QuantizeLinear") && n.getInput(0).equals(tensor))
                .findFirst()
                .orElse(null);
    }

    /** The scale and zero point a QuantizeLinear reading {@code tensor} uses. */
    static QuantParams activationParams(ModelProto m, String tensor) {
        NodeProto q = quantizerOf(m, tensor);
        if (q == null) {
            throw new AssertionError("no QuantizeLinear reads " + tensor);
        }
        Map<String, TensorProto> init = initializers(m);
        TensorProto zp = init.get(q.getInput(2));
        int z = zp.getRawData().byteAt(0);
        boolean unsigned = zp.getDataType() == TensorProto.DataType.UINT8_VALUE;
        return new QuantParams(
                TensorData.floats(init.get(q.getInput(1)))[0], unsigned ? z & 0xFF : z, unsigned);
    }

    /**
     * Operator counts of the model as ONNX Runtime runs it after its QDQ fusions (extended
     * optimisation level, before the layout transforms of the highest level).
     */
    static Map<String, Integer> fusedOperators(byte[] model, Path dir) throws Exception {
        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(model, o).close();
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (NodeProto n :
                ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList()) {
            counts.merge(n.getOpType(), 1, Integer::sum);
        }
        return counts;
    }
}
