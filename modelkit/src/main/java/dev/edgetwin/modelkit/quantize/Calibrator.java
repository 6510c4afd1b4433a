package dev.edgetwin.modelkit.quantize;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.edgetwin.modelkit.quantize.QuantizationException.Code;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the float model, with its activations exposed as outputs, in ONNX Runtime over the
 * calibration set and collects each activation's statistics.
 *
 * <p>The session runs on one thread: calibration is not on a hot path, and a single-threaded CPU
 * run adds up every value in a fixed order, so the same set gives the same ranges to the bit, and
 * the quantized model the same bytes.
 *
 * <p>Owns its session; not thread-safe.
 */
final class Calibrator implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String file;
    private boolean closed;

    Calibrator(byte[] calibrationModel, String file) throws QuantizationException {
        this.file = file;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            session = env.createSession(calibrationModel, options);
        } catch (OrtException e) {
            throw new QuantizationException(
                    Code.CALIBRATION_FAILED,
                    file + ": ONNX Runtime cannot load the float model: " + e.getMessage(),
                    e);
        }
    }

    /** Every input and node output whose element type is float32. */
    Set<String> floatValues() throws QuantizationException {
        requireOpen();
        Set<String> out = new HashSet<>();
        try {
            addFloats(session.getInputInfo(), out);
            addFloats(session.getOutputInfo(), out);
        } catch (OrtException e) {
            throw new QuantizationException(
                    Code.CALIBRATION_FAILED, file + ": ONNX Runtime: " + e.getMessage(), e);
        }
        return out;
    }

    private static void addFloats(Map<String, NodeInfo> infos, Set<String> out) {
        infos.forEach(
                (name, info) -> {
                    if (info.getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT) {
                        out.add(name);
                    }
                });
    }

    /**
     * Runs every calibration input (twice for the histogram methods) and returns, per tensor, the
     * range {@code [low, high]} the method chose.
     *
     * @param digest receives every input fed, as little-endian float32, in order
     */
    Map<String, double[]> calibrate(
            String inputName,
            CalibrationSet.Feeder feeder,
            int count,
            List<String> tensors,
            QuantizationOptions options,
            MessageDigest digest)
            throws QuantizationException {
        requireOpen();
        Map<String, ActivationStats> stats = new LinkedHashMap<>();
        tensors.forEach(t -> stats.put(t, new ActivationStats(t)));
        Set<String> fetched = new LinkedHashSet<>(tensors);
        fetched.remove(inputName);

        long[] shape = feeder.shape();
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        FloatBuffer input =
                ByteBuffer.allocateDirect(size * Float.BYTES)
                        .order(ByteOrder.nativeOrder())
                        .asFloatBuffer();
        ByteBuffer digestBytes =
                ByteBuffer.allocate(size * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape)) {
            for (int i = 0; i < count; i++) {
                float[] x = feeder.input(i);
                digestBytes.clear();
                digestBytes.asFloatBuffer().put(x);
                digest.update(digestBytes.array());
                run(tensor, input, x, i, inputName, fetched, stats, false, options.method());
            }
            boolean histograms = false;
            for (ActivationStats s : stats.values()) {
                histograms |= !s.tensor().equals(inputName) && s.startHistogram(options.method());
            }
            for (int i = 0; histograms && i < count; i++) {
                run(
                        tensor,
                        input,
                        feeder.input(i),
                        i,
                        inputName,
                        fetched,
                        stats,
                        true,
                        options.method());
            }
        } catch (OrtException e) {
            throw new QuantizationException(
                    Code.CALIBRATION_FAILED,
                    file + ": ONNX Runtime failed to run the float model: " + e.getMessage(),
                    e);
        }
        Map<String, double[]> ranges = new LinkedHashMap<>();
        // The model input keeps its whole range under every method: clipping raw pixels loses
        // what no later layer can restore, and a letterbox's flat padding is exactly the spike
        // that drags an entropy threshold down to it.
        stats.forEach(
                (t, s) ->
                        ranges.put(
                                t,
                                s.range(
                                        t.equals(inputName)
                                                ? CalibrationMethod.MINMAX
                                                : options.method(),
                                        options.percentile())));
        return ranges;
    }

    private void run(
            OnnxTensor tensor,
            FloatBuffer input,
            float[] x,
            int index,
            String inputName,
            Set<String> fetched,
            Map<String, ActivationStats> stats,
            boolean histogram,
            CalibrationMethod method)
            throws OrtException, QuantizationException {
        input.clear();
        input.put(x);
        input.rewind();
        ActivationStats inputStats = stats.get(inputName);
        if (inputStats != null) {
            observe(inputStats, FloatBuffer.wrap(x), index, histogram, method);
        }
        if (fetched.isEmpty()) {
            return;
        }
        try (OrtSession.Result result = session.run(Map.of(inputName, tensor), fetched)) {
            for (String name : fetched) {
                OnnxValue v = result.get(name).orElseThrow();
                observe(
                        stats.get(name),
                        ((OnnxTensor) v).getFloatBuffer(),
                        index,
                        histogram,
                        method);
            }
        }
    }

    private void observe(
            ActivationStats s,
            FloatBuffer values,
            int index,
            boolean histogram,
            CalibrationMethod method)
            throws QuantizationException {
        if (histogram) {
            if (s.histogramStarted()) {
                s.observeHistogram(values, method);
            }
        } else if (!s.observeExtremes(values)) {
            throw new QuantizationException(
                    Code.CALIBRATION_FAILED,
                    file
                            + ": activation '"
                            + s.tensor()
                            + "' is infinite on calibration input "
                            + index
                            + "; an int8 range cannot hold it (a float overflow in the model?)");
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("calibrator is closed");
        }
    }

    @Override
    public void close() throws QuantizationException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new QuantizationException(
                    Code.CALIBRATION_FAILED, file + ": closing the ONNX Runtime session: " + e, e);
        }
    }
}
