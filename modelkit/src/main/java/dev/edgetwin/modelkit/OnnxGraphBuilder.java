package dev.edgetwin.modelkit;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Assembles an ONNX model (default domain only) from code. Value names are generated from a
 * counter, so the same sequence of calls always serialises to the same bytes: models built this way
 * can be cached and compared by content hash.
 *
 * <p>Not thread-safe; one builder per model. Public only so that the generators in modelkit's
 * subpackages can use it; nothing outside modelkit should.
 */
public final class OnnxGraphBuilder {
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Set<String> names = new HashSet<>();
    private int counter;

    public OnnxGraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Declares a float32 graph input with a fixed shape; returns its name. */
    public String floatInput(String name, long... shape) {
        claim(name);
        graph.addInput(floatValueInfo(name, shape));
        return name;
    }

    /** Declares {@code value} (already produced by a node) as a float32 graph output. */
    public void floatOutput(String value, long... shape) {
        if (!names.contains(value)) {
            throw new IllegalArgumentException("no value named '" + value + "' in the graph");
        }
        graph.addOutput(floatValueInfo(value, shape));
    }

    /**
     * Declares a graph input of any element type whose dims may be symbolic: each of {@code dims}
     * is a number ({@code "3"}), a name ({@code "batch"}) or {@code "?"} for an unknown dimension.
     */
    public String input(String name, TensorProto.DataType type, String... dims) {
        claim(name);
        graph.addInput(valueInfo(name, type, dims));
        return name;
    }

    /** Declares {@code value} as a graph output; {@code dims} as for {@link #input}. */
    public void output(String value, TensorProto.DataType type, String... dims) {
        if (!names.contains(value)) {
            throw new IllegalArgumentException("no value named '" + value + "' in the graph");
        }
        graph.addOutput(valueInfo(value, type, dims));
    }

    /**
     * Adds a tensor of one-byte values (int8 or uint8, as quantized weights and zero points are),
     * stored as {@code raw_data}; an empty {@code shape} makes a scalar.
     */
    public String bytes(String hint, TensorProto.DataType type, byte[] values, long... shape) {
        if (type != TensorProto.DataType.INT8 && type != TensorProto.DataType.UINT8) {
            throw new IllegalArgumentException(
                    hint + ": one-byte values need int8 or uint8, got " + type);
        }
        checkSize(hint, values.length, shape);
        TensorProto.Builder t = tensor(hint, type, shape);
        t.setRawData(com.google.protobuf.ByteString.copyFrom(values));
        graph.addInitializer(t);
        return t.getName();
    }

    /** Adds an int32 tensor (a quantized bias), stored in {@code int32_data}. */
    public String int32s(String hint, int[] values, long... shape) {
        checkSize(hint, values.length, shape);
        TensorProto.Builder t = tensor(hint, TensorProto.DataType.INT32, shape);
        for (int v : values) {
            t.addInt32Data(v);
        }
        graph.addInitializer(t);
        return t.getName();
    }

    /**
     * Adds a float16 tensor from IEEE 754 half-precision bit patterns (e.g. 0x3C00 is 1.0), stored
     * little-endian in {@code raw_data} as ONNX requires.
     */
    public String float16s(String hint, short[] bits, long... shape) {
        checkSize(hint, bits.length, shape);
        byte[] raw = new byte[2 * bits.length];
        for (int i = 0; i < bits.length; i++) {
            raw[2 * i] = (byte) bits[i];
            raw[2 * i + 1] = (byte) (bits[i] >> 8);
        }
        TensorProto.Builder t = tensor(hint, TensorProto.DataType.FLOAT16, shape);
        t.setRawData(com.google.protobuf.ByteString.copyFrom(raw));
        graph.addInitializer(t);
        return t.getName();
    }

    /** Adds a float32 weight tensor; {@code values.length} must equal the product of the dims. */
    public String floats(String hint, float[] values, long... shape) {
        checkSize(hint, values.length, shape);
        TensorProto.Builder t = tensor(hint, TensorProto.DataType.FLOAT, shape);
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return t.getName();
    }

    /** Adds a float32 scalar (rank 0), as Clip's bounds and broadcast operands want. */
    public String scalar(float value) {
        return floats("scalar", new float[] {value});
    }

    /** Adds a 1-D int64 tensor, as Reshape, Slice and Pad take their shape arguments. */
    public String int64s(String hint, long... values) {
        return int64Tensor(hint, values, values.length);
    }

    /** Adds an int64 tensor of any shape; {@code values.length} must equal its size. */
    public String int64Tensor(String hint, long[] values, long... shape) {
        checkSize(hint, values.length, shape);
        TensorProto.Builder t = tensor(hint, TensorProto.DataType.INT64, shape);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return t.getName();
    }

    /** Adds a node with one output and returns the output's generated name. */
    public String node(String opType, String[] inputs, AttributeProto... attributes) {
        return addNode(opType, new String[] {fresh(lower(opType))}, inputs, attributes)[0];
    }

    /** Adds a node whose single output gets the given name (for graph outputs). */
    public String namedNode(
            String opType, String output, String[] inputs, AttributeProto... attributes) {
        return addNode(opType, new String[] {output}, inputs, attributes)[0];
    }

    /** Adds a node with several outputs (e.g. MaxPool and its indices); returns their names. */
    public String[] multiNode(
            String opType, int outputs, String[] inputs, AttributeProto... attributes) {
        String stem = fresh(lower(opType));
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = i == 0 ? stem : stem + "_" + i;
        }
        return addNode(opType, names, inputs, attributes);
    }

    private String[] addNode(
            String opType, String[] outputs, String[] inputs, AttributeProto... attributes) {
        for (String input : inputs) {
            if (!names.contains(input)) {
                throw new IllegalArgumentException(
                        opType + " node: input '" + input + "' is not defined yet");
            }
        }
        for (String output : outputs) {
            claim(output);
        }
        NodeProto.Builder n =
                NodeProto.newBuilder()
                        .setOpType(opType)
                        .setName(outputs[0] + "_node")
                        .addAllInput(Arrays.asList(inputs))
                        .addAllOutput(Arrays.asList(outputs));
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return outputs;
    }

    private static String lower(String opType) {
        return opType.toLowerCase(Locale.ROOT);
    }

    /** Shorthand for an attribute-free node, e.g. {@code op("Add", a, b)}. */
    public String op(String opType, String... inputs) {
        return node(opType, inputs);
    }

    public String concat(long axis, String... inputs) {
        return node("Concat", inputs, integer("axis", axis));
    }

    public String reshape(String x, long... shape) {
        return op("Reshape", x, int64s("shape", shape));
    }

    /** Elements {@code start} (inclusive) to {@code end} (exclusive) along {@code axis}. */
    public String slice(String x, long axis, long start, long end) {
        return op("Slice", x, int64s("starts", start), int64s("ends", end), int64s("axes", axis));
    }

    /**
     * Running maximum of a [1, ch, size, size] tensor along {@code axis} (2 = y, 3 = x), towards
     * +coordinate when {@code forward}, else towards -coordinate. Two levels so that no full-size
     * tensor is scanned more than once: a {@code block}-wide window max (reaching back to its
     * block's start), then a running max over block maxima, shifted by one block and broadcast back
     * over each block's cells. Values must be >= {@code zero}, the padding value.
     */
    public String runningMax(
            String z, int axis, boolean forward, int size, int block, String zero) {
        boolean alongX = axis == 3;
        int blocks = size / block;
        String window = linePool(z, alongX, block, forward);
        String blockMax =
                op(
                        "Slice",
                        window,
                        int64s("starts", forward ? block - 1 : 0),
                        int64s("ends", size),
                        int64s("axes", axis),
                        int64s("steps", block));
        String blockRun = linePool(blockMax, alongX, blocks, forward);
        // Shift by one block: block b takes the run up to block b - 1 (b + 1 backwards).
        long[] pads = new long[8];
        pads[forward ? axis : axis + 4] = 1;
        String shifted =
                slice(
                        op("Pad", blockRun, int64s("pads", pads), zero),
                        axis,
                        forward ? 0 : 1,
                        forward ? blocks : blocks + 1);
        long[] windowShape =
                alongX
                        ? new long[] {0, 0, size, blocks, block}
                        : new long[] {0, 0, blocks, block, size};
        long[] runShape =
                alongX ? new long[] {0, 0, size, blocks, 1} : new long[] {0, 0, blocks, 1, size};
        return reshape(
                op("Max", reshape(window, windowShape), reshape(shifted, runShape)),
                0,
                0,
                size,
                size);
    }

    /**
     * MaxPool over {@code length} cells of a line ending (forward) or starting at each cell, padded
     * so the output keeps the input's size.
     */
    public String linePool(String x, boolean alongX, int length, boolean forward) {
        int before = forward ? length - 1 : 0;
        int after = forward ? 0 : length - 1;
        return node(
                "MaxPool",
                new String[] {x},
                ints("kernel_shape", alongX ? 1 : length, alongX ? length : 1),
                ints(
                        "pads",
                        alongX ? 0 : before,
                        alongX ? before : 0,
                        alongX ? 0 : after,
                        alongX ? after : 0));
    }

    public String cast(String x, TensorProto.DataType to) {
        return node("Cast", new String[] {x}, integer("to", to.getNumber()));
    }

    /** Adds a key to {@code metadata_props}; keys keep their insertion order. */
    public void metadata(String key, String value) {
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("metadata key '" + key + "' set twice");
        }
    }

    public ModelProto build(
            long irVersion, long opset, String producerName, String producerVersion) {
        ModelProto.Builder model =
                ModelProto.newBuilder()
                        .setIrVersion(irVersion)
                        .setProducerName(producerName)
                        .setProducerVersion(producerVersion)
                        .addOpsetImport(
                                OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                        .setGraph(graph);
        metadata.forEach(
                (k, v) ->
                        model.addMetadataProps(
                                StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    public static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a =
                AttributeProto.newBuilder()
                        .setName(name)
                        .setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto string(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value))
                .build();
    }

    public static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    private TensorProto.Builder tensor(String hint, TensorProto.DataType type, long... shape) {
        String name = fresh(hint);
        claim(name);
        TensorProto.Builder t =
                TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
        for (long d : shape) {
            t.addDims(d);
        }
        return t;
    }

    private String fresh(String hint) {
        return hint + "_" + counter++;
    }

    private void claim(String name) {
        if (name.isEmpty() || !names.add(name)) {
            throw new IllegalArgumentException("value name '" + name + "' is empty or taken");
        }
    }

    private static void checkSize(String hint, int length, long... shape) {
        long expected = 1;
        for (long d : shape) {
            expected *= d;
        }
        if (expected != length) {
            throw new IllegalArgumentException(
                    hint
                            + ": shape "
                            + Arrays.toString(shape)
                            + " holds "
                            + expected
                            + " values, got "
                            + length);
        }
    }

    private static ValueInfoProto valueInfo(
            String name, TensorProto.DataType type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d.matches("[0-9]+")) {
                dim.setDimValue(Long.parseLong(d));
            } else if (!d.equals("?")) {
                dim.setDimParam(d);
            }
            shape.addDim(dim);
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(type.getNumber())
                                                .setShape(shape)))
                .build();
    }

    private static ValueInfoProto floatValueInfo(String name, long... shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (long d : shape) {
            dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                                .setShape(dims)))
                .build();
    }
}
