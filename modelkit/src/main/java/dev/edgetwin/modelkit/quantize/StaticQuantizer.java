package dev.edgetwin.modelkit.quantize;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgetwin.modelkit.ModelFiles;
import dev.edgetwin.modelkit.ModelInspectionException;
import dev.edgetwin.modelkit.ModelInspector;
import dev.edgetwin.modelkit.ModelReport;
import dev.edgetwin.modelkit.quantize.QuantizationException.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.tinylog.Logger;

/**
 * Static INT8 quantization of a float32 ONNX model into the QDQ format, on the JVM: calibrates the
 * activations by running the float model in ONNX Runtime over a {@link CalibrationSet}, then writes
 * a model with QuantizeLinear/DequantizeLinear pairs that ONNX Runtime fuses into int8 kernels.
 *
 * <ul>
 *   <li>Activations: int8, asymmetric, one scale and zero point per tensor; the range always holds
 *       0.
 *   <li>Weights of Conv (axis 0), Gemm (the output axis) and MatMul (a 2-D constant B: axis 1):
 *       int8, symmetric (zero point 0, values in [-127, 127]), one scale per output channel.
 *   <li>Bias of Conv and Gemm: int32 with scale input scale * weight scale and zero point 0.
 *   <li>Outputs stay float32; so, by default, does the decode head (see {@link
 *       QuantizationOptions#keepHeadFloat()}).
 * </ul>
 *
 * <p>The output keeps the input's graph inputs, outputs, opset, producer and metadata, and adds the
 * {@code edgetwin.quantization*}, {@code edgetwin.calibration.*} and {@code edgetwin.quantizer}
 * keys. Deterministic: the same model and calibration set give the same bytes (on the same ONNX
 * Runtime build and CPU kind, which compute the calibration activations).
 *
 * <p>Stateless and thread-safe.
 */
public final class StaticQuantizer {
    public static final String KEY_QUANTIZATION = "edgetwin.quantization";
    public static final String KEY_EXCLUDED = "edgetwin.quantization.excluded";
    public static final String KEY_METHOD = "edgetwin.calibration.method";
    public static final String KEY_FRAMES = "edgetwin.calibration.frames";
    public static final String KEY_SOURCE = "edgetwin.calibration.source";
    public static final String KEY_SHA256 = "edgetwin.calibration.sha256";
    public static final String KEY_QUANTIZER = "edgetwin.quantizer";

    /** The value of {@link #KEY_QUANTIZATION} for the default format. */
    public static final String FORMAT = description(QdqFormat.S8S8);

    /** DequantizeLinear takes a per-channel {@code axis} from opset 13. */
    static final long MIN_OPSET = 13;

    private static final String VERSION = loadVersion();

    private StaticQuantizer() {}

    /**
     * Quantizes the model in {@code in} and writes it to {@code out}, atomically (a reader never
     * sees a partial file; {@code out} may be {@code in}).
     *
     * @throws QuantizationException for an unreadable, non-ONNX or unsupported model, an unusable
     *     calibration set, a failing calibration run or an unwritable {@code out}
     */
    public static QuantizedModel quantize(
            Path in, Path out, CalibrationSet calibration, QuantizationOptions options)
            throws QuantizationException {
        Objects.requireNonNull(out, "out");
        QuantizedModel result = quantize(read(in), in.toString(), calibration, options);
        write(out, result.bytes());
        return result;
    }

    /**
     * Quantizes a model held in memory.
     *
     * @param name what to call the model in messages, e.g. its file name
     */
    public static QuantizedModel quantize(
            byte[] model, String name, CalibrationSet calibration, QuantizationOptions options)
            throws QuantizationException {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(calibration, "calibration");
        Objects.requireNonNull(options, "options");
        ModelProto proto = parse(model, name);
        ValueInfoProto input = checkSupported(proto, name);
        QdqGraph graph = QdqGraph.analyse(proto, name, options);

        MessageDigest digest = sha256();
        Map<String, double[]> ranges;
        try (Calibrator calibrator = new Calibrator(graph.calibrationModel(), name)) {
            graph.selectTensors(calibrator.floatValues());
            CalibrationSet.Feeder feeder = calibration.open(input.getName(), dims(input));
            List<String> tensors = graph.calibratedTensors();
            Logger.info(
                    "Calibrating {} activations of {} on {} ({} inputs, {})",
                    tensors.size(),
                    name,
                    calibration.source(),
                    calibration.size(),
                    options.methodDescription());
            ranges =
                    calibrator.calibrate(
                            input.getName(), feeder, calibration.size(), tensors, options, digest);
        }
        Map<String, QuantParams> params = new HashMap<>();
        ranges.forEach(
                (t, r) -> params.put(t, QuantParams.activation(r[0], r[1], options.format())));

        String sha = HexFormat.of().formatHex(digest.digest());
        List<String> excluded = graph.excludedNodes();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(KEY_QUANTIZATION, description(options.format()));
        metadata.put(KEY_EXCLUDED, excluded.isEmpty() ? "none" : String.join(", ", excluded));
        metadata.put(KEY_METHOD, options.methodDescription());
        metadata.put(KEY_FRAMES, Integer.toString(calibration.size()));
        metadata.put(KEY_SOURCE, calibration.source());
        metadata.put(KEY_SHA256, sha);
        metadata.put(KEY_QUANTIZER, StaticQuantizer.class.getName() + " " + VERSION);
        byte[] bytes = graph.rewrite(params, metadata).toByteArray();
        Logger.info(
                "Quantized {}: {} nodes int8, {} activations with Q/DQ, {} nodes kept float",
                name,
                graph.quantizedNodes().size(),
                graph.activationTensorCount(),
                excluded.size());
        return new QuantizedModel(
                bytes,
                graph.quantizedNodes(),
                excluded,
                graph.activationTensorCount(),
                calibration.size(),
                sha);
    }

    /** {@code static QDQ S8S8, per-channel weights, int32 bias}. */
    public static String description(QdqFormat format) {
        return "static QDQ " + format.name() + ", per-channel weights, int32 bias";
    }

    private static ModelProto parse(byte[] model, String name) throws QuantizationException {
        ModelReport report;
        try {
            report = ModelInspector.inspect(model, name);
        } catch (ModelInspectionException e) {
            throw new QuantizationException(
                    e.code() == ModelInspectionException.Code.UNREADABLE
                            ? Code.UNREADABLE_MODEL
                            : Code.NOT_ONNX,
                    e.getMessage(),
                    e);
        }
        if (report.quantized()) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    name
                            + ": is already quantized ("
                            + report.qdqPairs()
                            + " QDQ pairs, "
                            + report.quantizeLinearCount()
                            + " QuantizeLinear); quantize the float model it came from");
        }
        try {
            return ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("ModelInspector accepted what protobuf rejects", e);
        }
    }

    private static ValueInfoProto checkSupported(ModelProto model, String name)
            throws QuantizationException {
        long opset = -1;
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < MIN_OPSET) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    name
                            + ": uses ai.onnx opset "
                            + opset
                            + ", the quantizer needs "
                            + MIN_OPSET
                            + " or newer (per-channel DequantizeLinear); re-export the model"
                            + " with a newer opset");
        }
        java.util.Set<String> initializers = new java.util.HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<ValueInfoProto> inputs =
                model.getGraph().getInputList().stream()
                        .filter(v -> !initializers.contains(v.getName()))
                        .toList();
        if (inputs.size() != 1) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    name
                            + ": has "
                            + inputs.size()
                            + " inputs, the quantizer calibrates models with exactly one");
        }
        ValueInfoProto input = inputs.get(0);
        int type = input.getType().getTensorType().getElemType();
        if (type != TensorProto.DataType.FLOAT_VALUE) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    name
                            + ": input '"
                            + input.getName()
                            + "' is "
                            + TensorProto.DataType.forNumber(type)
                            + ", expected FLOAT: the quantizer takes float32 models");
        }
        return input;
    }

    /** The input's dims, -1 for symbolic or unknown ones. */
    private static long[] dims(ValueInfoProto input) {
        List<TensorShapeProto.Dimension> d =
                input.getType().getTensorType().getShape().getDimList();
        long[] out = new long[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i).hasDimValue() ? d.get(i).getDimValue() : -1;
        }
        return out;
    }

    private static byte[] read(Path in) throws QuantizationException {
        Objects.requireNonNull(in, "in");
        try {
            return Files.readAllBytes(in);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new QuantizationException(Code.UNREADABLE_MODEL, in + ": no such file", e);
        } catch (IOException e) {
            String why =
                    Files.isDirectory(in) ? "is a directory, expected an .onnx file" : e.toString();
            throw new QuantizationException(Code.UNREADABLE_MODEL, in + ": " + why, e);
        }
    }

    private static void write(Path out, byte[] bytes) throws QuantizationException {
        try {
            ModelFiles.writeAtomically(out, bytes);
        } catch (IOException e) {
            throw new QuantizationException(
                    Code.WRITE_FAILED, out + ": cannot write the quantized model: " + e, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String loadVersion() {
        // modelkit.properties is stamped by Maven resource filtering, like the reference
        // detector's provenance.
        Properties p = new Properties();
        try (InputStream in =
                StaticQuantizer.class.getResourceAsStream(
                        "/dev/edgetwin/modelkit/modelkit.properties")) {
            if (in == null) {
                throw new IllegalStateException("modelkit.properties is missing: build with Maven");
            }
            p.load(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String v = p.getProperty("version", "");
        if (v.isEmpty() || v.contains("${")) {
            throw new IllegalStateException("modelkit.properties holds no version: '" + v + "'");
        }
        return v;
    }
}
