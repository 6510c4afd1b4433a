package dev.edgetwin.modelkit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgetwin.modelkit.ModelInspectionException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Describes an ONNX file without running it: IR and opset versions, producer, inputs and outputs
 * with their (possibly symbolic) shapes, metadata, operators, quantization and weight precision.
 * Pure Java over the ONNX protobuf; ONNX Runtime is not needed and nothing is executed.
 *
 * <p>Bad input ends in a {@link ModelInspectionException} that names the file: {@code UNREADABLE}
 * (missing, a directory, no permission), {@code NOT_ONNX} (empty, text, a Git LFS pointer, a
 * protobuf that is not a model) or {@code INVALID} (cut short, or a graph that reads values nothing
 * defines). Never any other exception for any bytes.
 *
 * <p>Stateless and thread-safe. The whole file is read into memory, as ONNX Runtime does; a
 * single-file ONNX model is at most 2 GiB (protobuf's limit).
 */
public final class ModelInspector {
    /** The first bytes examined to tell a text file from a binary one. */
    private static final int TEXT_PROBE_BYTES = 4096;

    /** Larger than any IR version ONNX has defined (11 in ONNX 1.18), for "looks like ONNX". */
    private static final int MAX_PLAUSIBLE_IR_VERSION = 100;

    /** A weight type holding less than this share of the weight values is not named. */
    private static final double SIGNIFICANT_SHARE = 0.05;

    /** Integer types QuantizeLinear produces: a constant of one of these feeding DQ is a weight. */
    private static final Set<Integer> QUANTIZED_TYPES =
            Set.of(
                    TensorProto.DataType.INT8_VALUE,
                    TensorProto.DataType.UINT8_VALUE,
                    TensorProto.DataType.INT16_VALUE,
                    TensorProto.DataType.UINT16_VALUE,
                    TensorProto.DataType.INT4_VALUE,
                    TensorProto.DataType.UINT4_VALUE);

    /** Types that are not weights: shapes, axes, indices, flags, labels. */
    private static final Set<Integer> NON_PARAMETER_TYPES =
            Set.of(
                    TensorProto.DataType.INT64_VALUE,
                    TensorProto.DataType.BOOL_VALUE,
                    TensorProto.DataType.STRING_VALUE,
                    TensorProto.DataType.UNDEFINED_VALUE);

    /** Operators that compute on quantized values directly (the QOperator format). */
    private static final Set<String> QUANTIZED_OPERATORS =
            Set.of(
                    "ConvInteger",
                    "MatMulInteger",
                    "DynamicQuantizeLinear",
                    "DynamicQuantizeMatMul",
                    "DynamicQuantizeLSTM",
                    "QGemm",
                    "QAttention",
                    "MatMulNBits",
                    "MatMulIntegerToFloat");

    private ModelInspector() {}

    /**
     * Reads and describes {@code onnxFile}.
     *
     * @throws ModelInspectionException if the file cannot be read or is not a sound ONNX model
     */
    public static ModelReport inspect(Path onnxFile) throws ModelInspectionException {
        Objects.requireNonNull(onnxFile, "onnxFile");
        String file = onnxFile.toString();
        return inspect(read(onnxFile, file), file);
    }

    /**
     * Describes a model held in memory.
     *
     * @param name what to call it in the report and in error messages, e.g. its file name
     * @throws ModelInspectionException if {@code bytes} are not a sound ONNX model
     */
    public static ModelReport inspect(byte[] bytes, String name) throws ModelInspectionException {
        Objects.requireNonNull(bytes, "bytes");
        Objects.requireNonNull(name, "name");
        ModelProto model = parse(bytes, name);
        GraphWalk walk = new GraphWalk(name);
        walk.graph(model.getGraph(), Set.of());
        GraphProto graph = model.getGraph();

        Set<String> initializerNames = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializerNames.add(t.getName()));
        graph.getSparseInitializerList().forEach(t -> initializerNames.add(sparseName(t)));
        List<TensorDescription> inputs = new ArrayList<>();
        for (ValueInfoProto input : graph.getInputList()) {
            if (!initializerNames.contains(input.getName())) {
                inputs.add(describe(input));
            }
        }
        List<TensorDescription> outputs = new ArrayList<>();
        graph.getOutputList().forEach(o -> outputs.add(describe(o)));

        Map<String, Long> opsets = new TreeMap<>();
        for (OperatorSetIdProto opset : model.getOpsetImportList()) {
            opsets.put(opset.getDomain(), opset.getVersion());
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (StringStringEntryProto entry : model.getMetadataPropsList()) {
            metadata.put(entry.getKey(), entry.getValue());
        }

        return new ModelReport(
                name,
                bytes.length,
                sha256(bytes),
                model.getIrVersion(),
                opsets,
                model.getProducerName(),
                model.getProducerVersion(),
                inputs,
                outputs,
                metadata,
                walk.nodes.size(),
                walk.operatorCounts(),
                walk.count("QuantizeLinear"),
                walk.count("DequantizeLinear"),
                walk.qdqPairs(),
                walk.quantized(),
                walk.weightPrecision(),
                walk.parameterCount());
    }

    private static byte[] read(Path path, String file) throws ModelInspectionException {
        if (Files.isDirectory(path)) {
            throw new ModelInspectionException(
                    Code.UNREADABLE, file, "is a directory, expected an .onnx file");
        }
        try {
            long size = Files.size(path);
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelInspectionException(
                        Code.INVALID,
                        file,
                        "is "
                                + size
                                + " bytes; a single-file ONNX model is at most 2 GiB (protobuf's"
                                + " limit), larger models keep their weights in external data"
                                + " files");
            }
            return Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new ModelInspectionException(Code.UNREADABLE, file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new ModelInspectionException(
                    Code.UNREADABLE, file, "permission denied when reading it", e);
        } catch (IOException e) {
            throw new ModelInspectionException(Code.UNREADABLE, file, "could not be read: " + e, e);
        }
    }

    private static ModelProto parse(byte[] bytes, String file) throws ModelInspectionException {
        if (bytes.length == 0) {
            throw new ModelInspectionException(
                    Code.NOT_ONNX, file, "is empty (0 bytes), expected an ONNX model");
        }
        if (startsWith(bytes, "version https://git-lfs")) {
            throw new ModelInspectionException(
                    Code.NOT_ONNX,
                    file,
                    "is a Git LFS pointer, not the model itself: fetch it with 'git lfs pull'");
        }
        if (bytes.length >= 4
                && bytes[0] == 'P'
                && bytes[1] == 'K'
                && bytes[2] == 3
                && bytes[3] == 4) {
            throw new ModelInspectionException(
                    Code.NOT_ONNX,
                    file,
                    "is a ZIP archive (a PyTorch checkpoint or a model bundle?), expected a bare"
                            + " ONNX model; export or unpack the .onnx file first");
        }
        if (looksLikeText(bytes)) {
            throw new ModelInspectionException(
                    Code.NOT_ONNX,
                    file,
                    "is a text file, expected a binary ONNX model (protobuf); it begins \""
                            + firstLine(bytes)
                            + "\"");
        }
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            rejectTensor(bytes, file);
            int irVersion = leadingIrVersion(bytes);
            if (irVersion > 0 && truncated(e)) {
                throw new ModelInspectionException(
                        Code.INVALID,
                        file,
                        "is cut short: it starts like an ONNX model (IR version "
                                + irVersion
                                + ") but ends in the middle of a field after "
                                + bytes.length
                                + " bytes (an interrupted download or copy?)",
                        e);
            }
            if (irVersion > 0) {
                throw new ModelInspectionException(
                        Code.INVALID,
                        file,
                        "starts like an ONNX model (IR version "
                                + irVersion
                                + ") but is damaged: "
                                + e.getMessage(),
                        e);
            }
            throw new ModelInspectionException(
                    Code.NOT_ONNX,
                    file,
                    "is not an ONNX model: its bytes are not a protobuf message ("
                            + e.getMessage()
                            + ")",
                    e);
        }
        if (!model.hasGraph()) {
            rejectTensor(bytes, file);
            String found =
                    model.getIrVersion() > 0
                            ? "it parses as a protobuf message with ir_version "
                                    + model.getIrVersion()
                                    + " but has no graph (a cut-off file, or another message)"
                            : "it parses as a protobuf message, but with neither ir_version nor"
                                    + " graph";
            throw new ModelInspectionException(
                    Code.NOT_ONNX, file, "is not an ONNX model (onnx.ModelProto): " + found);
        }
        if (model.getIrVersion() <= 0) {
            throw new ModelInspectionException(
                    Code.INVALID,
                    file,
                    "has a graph but ir_version is "
                            + model.getIrVersion()
                            + "; every ONNX model declares a positive IR version");
        }
        return model;
    }

    /**
     * A serialized onnx.TensorProto (the {@code input_0.pb} files of ONNX test data sets) is the
     * likeliest protobuf to be mistaken for a model; a model never sets a tensor's data_type (field
     * 2 is a string there).
     */
    private static void rejectTensor(byte[] bytes, String file) throws ModelInspectionException {
        TensorProto tensor;
        try {
            tensor = TensorProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            return;
        }
        int type = tensor.getDataType();
        if (tensor.hasDataType() && type > 0 && !elementTypeName(type).startsWith("type")) {
            throw new ModelInspectionException(
                    Code.NOT_ONNX,
                    file,
                    "is a serialized ONNX tensor ("
                            + elementTypeName(type)
                            + " "
                            + tensor.getDimsList()
                            + (tensor.getName().isEmpty() ? "" : " '" + tensor.getName() + "'")
                            + "), not a model");
        }
    }

    private static boolean truncated(InvalidProtocolBufferException e) {
        String message = e.getMessage();
        return message != null && message.contains("ended unexpectedly");
    }

    /**
     * The IR version when the bytes start as an ONNX model does: field 1 ({@code ir_version}) as a
     * one-byte varint; else 0.
     */
    private static int leadingIrVersion(byte[] bytes) {
        if (bytes.length >= 2 && bytes[0] == 0x08) {
            int version = bytes[1];
            if (version > 0 && version <= MAX_PLAUSIBLE_IR_VERSION) {
                return version;
            }
        }
        return 0;
    }

    private static boolean startsWith(byte[] bytes, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length < p.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (bytes[i] != p[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * No control characters other than whitespace in the first bytes. A binary protobuf model
     * starts with the tag 0x08 ({@code ir_version}), so it never passes.
     */
    private static boolean looksLikeText(byte[] bytes) {
        int n = Math.min(bytes.length, TEXT_PROBE_BYTES);
        for (int i = 0; i < n; i++) {
            int b = bytes[i] & 0xff;
            boolean whitespace = b == '\n' || b == '\r' || b == '\t' || b == '\f';
            if ((b < 0x20 && !whitespace) || b == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(byte[] bytes) {
        int n = Math.min(bytes.length, 60);
        String head = new String(bytes, 0, n, StandardCharsets.UTF_8);
        int newline = head.indexOf('\n');
        String line = newline >= 0 ? head.substring(0, newline) : head;
        line = ModelReport.printable(line.strip());
        return line.length() < head.strip().length() || bytes.length > n ? line + "..." : line;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static String sparseName(SparseTensorProto t) {
        return t.getValues().getName();
    }

    private static TensorDescription describe(ValueInfoProto value) {
        TypeProto type = value.getType();
        String elementType = typeName(type);
        List<String> shape;
        if (type.hasTensorType()) {
            shape =
                    type.getTensorType().hasShape()
                            ? dims(type.getTensorType().getShape())
                            : TensorDescription.UNKNOWN_RANK;
        } else if (type.hasSparseTensorType()) {
            shape =
                    type.getSparseTensorType().hasShape()
                            ? dims(type.getSparseTensorType().getShape())
                            : TensorDescription.UNKNOWN_RANK;
        } else {
            shape = List.of();
        }
        return new TensorDescription(value.getName(), elementType, shape);
    }

    private static List<String> dims(TensorShapeProto shape) {
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : shape.getDimList()) {
            switch (d.getValueCase()) {
                case DIM_VALUE -> dims.add(Long.toString(d.getDimValue()));
                case DIM_PARAM -> dims.add(d.getDimParam().isEmpty() ? "?" : d.getDimParam());
                default -> dims.add("?");
            }
        }
        return dims;
    }

    private static String typeName(TypeProto type) {
        return switch (type.getValueCase()) {
            case TENSOR_TYPE -> elementTypeName(type.getTensorType().getElemType());
            case SPARSE_TENSOR_TYPE ->
                    "sparse<" + elementTypeName(type.getSparseTensorType().getElemType()) + ">";
            case SEQUENCE_TYPE ->
                    "sequence<" + typeName(type.getSequenceType().getElemType()) + ">";
            case OPTIONAL_TYPE ->
                    "optional<" + typeName(type.getOptionalType().getElemType()) + ">";
            case MAP_TYPE ->
                    "map<"
                            + elementTypeName(type.getMapType().getKeyType())
                            + ","
                            + typeName(type.getMapType().getValueType())
                            + ">";
            case OPAQUE_TYPE -> "opaque";
            default -> "undeclared";
        };
    }

    /** ONNX {@code TensorProto.DataType} numbers as NumPy-style names. */
    static String elementTypeName(int dataType) {
        return switch (dataType) {
            case 1 -> "float32";
            case 2 -> "uint8";
            case 3 -> "int8";
            case 4 -> "uint16";
            case 5 -> "int16";
            case 6 -> "int32";
            case 7 -> "int64";
            case 8 -> "string";
            case 9 -> "bool";
            case 10 -> "float16";
            case 11 -> "float64";
            case 12 -> "uint32";
            case 13 -> "uint64";
            case 14 -> "complex64";
            case 15 -> "complex128";
            case 16 -> "bfloat16";
            case 17 -> "float8e4m3fn";
            case 18 -> "float8e4m3fnuz";
            case 19 -> "float8e5m2";
            case 20 -> "float8e5m2fnuz";
            case 21 -> "uint4";
            case 22 -> "int4";
            case 23 -> "float4e2m1";
            case 0 -> "undefined";
            default -> "type" + dataType;
        };
    }

    /** The short names weight precisions go by: fp32, fp16, bf16, int8, ... */
    private static String precisionName(int dataType) {
        return switch (dataType) {
            case 1 -> "fp32";
            case 10 -> "fp16";
            case 11 -> "fp64";
            case 16 -> "bf16";
            default -> elementTypeName(dataType);
        };
    }

    /**
     * One pass over the main graph and its subgraphs: nodes, which node produces each value, the
     * constants (initializers and Constant nodes), and a check that every value read is defined.
     */
    private static final class GraphWalk {
        private final String file;
        private final List<NodeProto> nodes = new ArrayList<>();
        private final Map<String, String> producers = new HashMap<>();
        private final Map<String, Constant> constants = new LinkedHashMap<>();

        GraphWalk(String file) {
            this.file = file;
        }

        /** A constant tensor's type and number of values. */
        private record Constant(int dataType, long elements) {}

        void graph(GraphProto graph, Set<String> outer) throws ModelInspectionException {
            Set<String> defined = new HashSet<>(outer);
            for (ValueInfoProto input : graph.getInputList()) {
                defined.add(input.getName());
            }
            for (TensorProto t : graph.getInitializerList()) {
                defined.add(t.getName());
                constants.put(t.getName(), constant(t, "initializer '" + t.getName() + "'"));
            }
            for (SparseTensorProto t : graph.getSparseInitializerList()) {
                String name = sparseName(t);
                defined.add(name);
                long elements = elements(t.getDimsList(), "sparse initializer '" + name + "'");
                constants.put(name, new Constant(t.getValues().getDataType(), elements));
            }
            for (NodeProto node : graph.getNodeList()) {
                for (String output : node.getOutputList()) {
                    if (!output.isEmpty()) {
                        defined.add(output);
                        producers.put(output, node.getOpType());
                    }
                }
            }
            for (NodeProto node : graph.getNodeList()) {
                visit(node, defined);
            }
            for (ValueInfoProto output : graph.getOutputList()) {
                if (!defined.contains(output.getName())) {
                    throw invalid(
                            "graph '"
                                    + graph.getName()
                                    + "' declares output '"
                                    + output.getName()
                                    + "', which no input, initializer or node defines");
                }
            }
        }

        private void visit(NodeProto node, Set<String> defined) throws ModelInspectionException {
            String where = "node '" + node.getName() + "' (" + node.getOpType() + ")";
            if (node.getOpType().isEmpty()) {
                throw invalid("node '" + node.getName() + "' has no operator type");
            }
            nodes.add(node);
            for (String input : node.getInputList()) {
                // "" marks an optional input left out.
                if (!input.isEmpty() && !defined.contains(input)) {
                    throw invalid(
                            where
                                    + " reads '"
                                    + input
                                    + "', which no graph input, initializer or node defines");
                }
            }
            for (AttributeProto a : node.getAttributeList()) {
                if (a.hasG()) {
                    graph(a.getG(), defined);
                }
                for (GraphProto g : a.getGraphsList()) {
                    graph(g, defined);
                }
                if (node.getOpType().equals("Constant")
                        && a.getName().equals("value")
                        && a.hasT()
                        && node.getOutputCount() == 1) {
                    constants.put(node.getOutput(0), constant(a.getT(), where));
                }
            }
        }

        private Constant constant(TensorProto t, String where) throws ModelInspectionException {
            long n = elements(t.getDimsList(), where);
            long held = valuesHeld(t, n);
            if (held >= 0 && held != n) {
                throw invalid(
                        where
                                + " declares shape "
                                + t.getDimsList()
                                + " ("
                                + n
                                + " "
                                + elementTypeName(t.getDataType())
                                + " values) but holds "
                                + held);
            }
            return new Constant(t.getDataType(), n);
        }

        /**
         * How many values a tensor stored in the file holds, from its raw or typed data; -1 when
         * that cannot be told here (external data, 4-bit types in typed fields, unknown types).
         */
        private static long valuesHeld(TensorProto t, long declared) {
            if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
                return -1;
            }
            int type = t.getDataType();
            if (t.hasRawData()) {
                int bits = bitsPerElement(type);
                if (bits == 0) {
                    return -1;
                }
                long rawBytes = t.getRawData().size();
                // Packed 4-bit values round up to whole bytes, so compare in bytes.
                long expectedBytes = declared > rawBytes * 8 ? -1 : (declared * bits + 7) / 8;
                return expectedBytes == rawBytes ? declared : rawBytes * 8 / bits;
            }
            return switch (type) {
                case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
                case TensorProto.DataType.COMPLEX64_VALUE -> t.getFloatDataCount() / 2;
                case TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
                case TensorProto.DataType.COMPLEX128_VALUE -> t.getDoubleDataCount() / 2;
                case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
                case TensorProto.DataType.UINT32_VALUE, TensorProto.DataType.UINT64_VALUE ->
                        t.getUint64DataCount();
                case TensorProto.DataType.STRING_VALUE -> t.getStringDataCount();
                case TensorProto.DataType.INT32_VALUE,
                        TensorProto.DataType.INT16_VALUE,
                        TensorProto.DataType.INT8_VALUE,
                        TensorProto.DataType.UINT16_VALUE,
                        TensorProto.DataType.UINT8_VALUE,
                        TensorProto.DataType.BOOL_VALUE,
                        TensorProto.DataType.FLOAT16_VALUE,
                        TensorProto.DataType.BFLOAT16_VALUE ->
                        t.getInt32DataCount();
                default -> -1;
            };
        }

        /** Bits per value in {@code raw_data}; 0 for types without a fixed size there. */
        private static int bitsPerElement(int dataType) {
            return switch (dataType) {
                case 2, 3, 9, 17, 18, 19, 20 -> 8; // uint8, int8, bool, float8 variants
                case 4, 5, 10, 16 -> 16; // uint16, int16, float16, bfloat16
                case 1, 6, 12 -> 32; // float32, int32, uint32
                case 7, 11, 13, 14 -> 64; // int64, float64, uint64, complex64
                case 15 -> 128; // complex128
                case 21, 22, 23 -> 4; // uint4, int4, float4e2m1
                default -> 0;
            };
        }

        private long elements(List<Long> dims, String where) throws ModelInspectionException {
            long n = 1;
            for (long d : dims) {
                if (d < 0) {
                    throw invalid(where + " has a negative dimension: " + dims);
                }
                try {
                    n = Math.multiplyExact(n, d);
                } catch (ArithmeticException e) {
                    throw invalid(where + " has more values than a long can count: " + dims);
                }
            }
            return n;
        }

        private ModelInspectionException invalid(String message) {
            return new ModelInspectionException(Code.INVALID, file, message);
        }

        /** Nodes per operator, ordered by operator type, then domain. */
        Map<String, Integer> operatorCounts() {
            Map<List<String>, Integer> byOp =
                    new TreeMap<>(
                            Comparator.<List<String>, String>comparing(k -> k.get(0))
                                    .thenComparing(k -> k.get(1)));
            for (NodeProto node : nodes) {
                String domain = defaultDomain(node.getDomain()) ? "" : node.getDomain();
                byOp.merge(List.of(node.getOpType(), domain), 1, Integer::sum);
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            byOp.forEach(
                    (k, n) ->
                            counts.put(
                                    k.get(1).isEmpty() ? k.get(0) : k.get(1) + "." + k.get(0), n));
            return counts;
        }

        /** Nodes of {@code opType} in the default domain or Microsoft's (its 16-bit QDQ ops). */
        int count(String opType) {
            int n = 0;
            for (NodeProto node : nodes) {
                if (isOp(node, opType)) {
                    n++;
                }
            }
            return n;
        }

        int qdqPairs() {
            int pairs = 0;
            for (NodeProto node : nodes) {
                if (isOp(node, "DequantizeLinear") && node.getInputCount() > 0) {
                    String x = node.getInput(0);
                    Constant c = constants.get(x);
                    if ("QuantizeLinear".equals(producers.get(x))
                            || (c != null && QUANTIZED_TYPES.contains(c.dataType()))) {
                        pairs++;
                    }
                }
            }
            return pairs;
        }

        boolean quantized() {
            if (qdqPairs() > 0) {
                return true;
            }
            for (NodeProto node : nodes) {
                String op = node.getOpType();
                if (op.startsWith("QLinear") || QUANTIZED_OPERATORS.contains(op)) {
                    return true;
                }
            }
            return false;
        }

        /** Integer constants read by a DequantizeLinear: the weights of a QDQ model. */
        private Set<Integer> dequantizedTypes() {
            Set<Integer> types = new HashSet<>();
            for (NodeProto node : nodes) {
                if (isOp(node, "DequantizeLinear") && node.getInputCount() > 0) {
                    Constant c = constants.get(node.getInput(0));
                    if (c != null) {
                        types.add(c.dataType());
                    }
                }
            }
            return types;
        }

        /**
         * The types of the constants with more than one value (single values are scales, zero
         * points and operands), by share of the values; types under 5% are left out.
         */
        String weightPrecision() throws ModelInspectionException {
            Map<Integer, Long> byType = new HashMap<>();
            long total = 0;
            for (Constant c : constants.values()) {
                if (c.elements() > 1
                        && !NON_PARAMETER_TYPES.contains(c.dataType())
                        && c.dataType() != TensorProto.DataType.INT32_VALUE) {
                    byType.put(
                            c.dataType(), add(byType.getOrDefault(c.dataType(), 0L), c.elements()));
                    total = add(total, c.elements());
                }
            }
            if (total == 0) {
                return "none";
            }
            List<Map.Entry<Integer, Long>> significant = new ArrayList<>();
            for (Map.Entry<Integer, Long> e : byType.entrySet()) {
                if (e.getValue() >= SIGNIFICANT_SHARE * total) {
                    significant.add(e);
                }
            }
            significant.sort(
                    Map.Entry.<Integer, Long>comparingByValue()
                            .reversed()
                            .thenComparing(Map.Entry.comparingByKey()));
            if (significant.size() == 1) {
                int type = significant.get(0).getKey();
                boolean qdq = QUANTIZED_TYPES.contains(type) && dequantizedTypes().contains(type);
                return precisionName(type) + (qdq ? " (QDQ)" : "");
            }
            List<String> parts = new ArrayList<>();
            for (Map.Entry<Integer, Long> e : significant) {
                long percent = Math.round(100.0 * e.getValue() / total);
                parts.add(precisionName(e.getKey()) + " " + percent + "%");
            }
            return "mixed: " + String.join(", ", parts);
        }

        long parameterCount() throws ModelInspectionException {
            long n = 0;
            for (Constant c : constants.values()) {
                if (!NON_PARAMETER_TYPES.contains(c.dataType())) {
                    n = add(n, c.elements());
                }
            }
            return n;
        }

        /** Sums of declared sizes (external data can declare anything) must not wrap around. */
        private long add(long a, long b) throws ModelInspectionException {
            try {
                return Math.addExact(a, b);
            } catch (ArithmeticException e) {
                throw invalid("its tensors declare more values than a long can count");
            }
        }

        private static boolean isOp(NodeProto node, String opType) {
            return node.getOpType().equals(opType)
                    && (defaultDomain(node.getDomain())
                            || node.getDomain().equals("com.microsoft"));
        }

        private static boolean defaultDomain(String domain) {
            return domain.isEmpty() || domain.equals("ai.onnx");
        }
    }
}
