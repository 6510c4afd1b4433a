package dev.edgetwin.modelkit.quantize;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.edgetwin.modelkit.quantize.QuantizationException.Code;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides what of a float model becomes int8 and writes the QDQ model: which nodes are quantized or
 * kept float (and why), which activation tensors get a QuantizeLinear/DequantizeLinear pair, which
 * of them share their input's parameters, and which ReLUs fold into the quantization of the layer
 * before them.
 *
 * <p>Used in three steps by one thread: {@link #analyse} (structure only; rejects what cannot be
 * quantized), {@link #selectTensors} (once the float tensors are known from ONNX Runtime), {@link
 * #rewrite} (with the calibrated parameters).
 */
final class QdqGraph {
    /** How a supported operator is quantized. */
    private enum Role {
        /** Conv, Gemm, MatMul: int8 activations and int8 constant weights, int32 bias. */
        WEIGHTED,
        /** Its float inputs and outputs are quantized; the output range is calibrated. */
        CALIBRATED,
        /**
         * Moves or selects values without making new ones: the outputs reuse the input's scale and
         * zero point, so ONNX Runtime can drop the Q/DQ around it and run it on int8 directly.
         */
        ALIAS
    }

    private static final Map<String, Role> ROLES =
            Map.ofEntries(
                    Map.entry("Conv", Role.WEIGHTED),
                    Map.entry("Gemm", Role.WEIGHTED),
                    Map.entry("MatMul", Role.WEIGHTED),
                    Map.entry("Add", Role.CALIBRATED),
                    Map.entry("Mul", Role.CALIBRATED),
                    Map.entry("Concat", Role.CALIBRATED),
                    Map.entry("AveragePool", Role.CALIBRATED),
                    Map.entry("GlobalAveragePool", Role.CALIBRATED),
                    Map.entry("Relu", Role.CALIBRATED),
                    Map.entry("LeakyRelu", Role.CALIBRATED),
                    Map.entry("Sigmoid", Role.CALIBRATED),
                    Map.entry("Clip", Role.CALIBRATED),
                    Map.entry("Pad", Role.CALIBRATED),
                    Map.entry("MaxPool", Role.ALIAS),
                    Map.entry("GlobalMaxPool", Role.ALIAS),
                    Map.entry("Reshape", Role.ALIAS),
                    Map.entry("Flatten", Role.ALIAS),
                    Map.entry("Transpose", Role.ALIAS),
                    Map.entry("Squeeze", Role.ALIAS),
                    Map.entry("Unsqueeze", Role.ALIAS),
                    Map.entry("Identity", Role.ALIAS),
                    Map.entry("Resize", Role.ALIAS),
                    Map.entry("Slice", Role.ALIAS),
                    Map.entry("Split", Role.ALIAS),
                    Map.entry("DepthToSpace", Role.ALIAS),
                    Map.entry("SpaceToDepth", Role.ALIAS));

    /** Layers with learned weights this quantizer cannot turn into int8. */
    private static final Set<String> UNSUPPORTED_WEIGHTED =
            Set.of("ConvTranspose", "LSTM", "GRU", "RNN");

    /** Where the decode head begins, walking back from the outputs. */
    private static final Set<String> HEAD_BOUNDARY = Set.of("Conv", "Gemm", "MatMul");

    private static final String HEAD = "decode head";

    /**
     * Metadata key under which a model's generator lists the only nodes that tolerate int8
     * (comma-separated names), e.g. the trained detector, whose other nodes compute integer codes
     * that must stay exact in float32.
     */
    static final String QUANTIZABLE_NODES_KEY = "edgetwin.quantizable_nodes";

    private static final String NOT_LISTED = "not in the model's " + QUANTIZABLE_NODES_KEY;

    private final ModelProto model;
    private final GraphProto graph;
    private final String file;
    private final List<NodeProto> nodes;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Set<String> constants = new HashSet<>();
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Set<String> graphInputs = new LinkedHashSet<>();
    private final Set<String> graphOutputs = new LinkedHashSet<>();

    /** Kept-float nodes with the reason, by node index. */
    private final Map<Integer, String> excluded = new TreeMap<>();

    private final BitSet quantized = new BitSet();

    // Set by selectTensors.
    private final Set<String> tensors = new LinkedHashSet<>();
    private final Map<String, String> aliasOf = new HashMap<>();
    private final BitSet folded = new BitSet();
    private List<String[]> outputNames;

    private QdqGraph(ModelProto model, String file) {
        this.model = model;
        this.graph = model.getGraph();
        this.file = file;
        this.nodes = graph.getNodeList();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
            constants.add(t.getName());
        }
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                graphInputs.add(v.getName());
            }
        }
        graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (n.getOpType().equals("Constant") && n.getDomain().isEmpty()) {
                n.getOutputList().forEach(constants::add);
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()) {
                    producer.put(out, i);
                }
            }
            for (String in : new LinkedHashSet<>(n.getInputList())) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
        }
    }

    /**
     * Decides which nodes are quantized and which stay float.
     *
     * @throws QuantizationException {@code BAD_OPTION} if an exclusion names nothing in the model,
     *     {@code UNSUPPORTED_OPERATOR} for a node that must be quantized but cannot be, {@code
     *     UNSUPPORTED_MODEL} if nothing is left to quantize
     */
    static QdqGraph analyse(ModelProto model, String file, QuantizationOptions options)
            throws QuantizationException {
        QdqGraph g = new QdqGraph(model, file);
        g.exclude(options);
        g.checkSupported();
        boolean anyLayer = false;
        for (int i = 0; i < g.nodes.size(); i++) {
            NodeProto n = g.nodes.get(i);
            if (!g.excluded.containsKey(i)
                    && n.getDomain().isEmpty()
                    && ROLES.containsKey(n.getOpType())) {
                g.quantized.set(i);
                anyLayer |= ROLES.get(n.getOpType()) == Role.WEIGHTED;
            }
        }
        if (!anyLayer) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    file
                            + ": no Conv, Gemm or MatMul left to quantize ("
                            + g.excluded.size()
                            + " of "
                            + g.nodes.size()
                            + " nodes kept float by the exclusions and the decode-head rule)");
        }
        return g;
    }

    private void exclude(QuantizationOptions options) throws QuantizationException {
        Set<String> names = new HashSet<>();
        Set<String> ops = new HashSet<>();
        nodes.forEach(n -> names.add(n.getName()));
        nodes.forEach(n -> ops.add(n.getOpType()));
        for (String name : options.excludeNodes()) {
            if (!names.contains(name)) {
                throw new QuantizationException(
                        Code.BAD_OPTION,
                        file
                                + ": --exclude-node "
                                + name
                                + ": no node has that name (Netron shows a model's node names;"
                                + " a nameless node can only be excluded by its operator type)");
            }
        }
        for (String op : options.excludeOpTypes()) {
            if (!ops.contains(op)) {
                throw new QuantizationException(
                        Code.BAD_OPTION,
                        file
                                + ": --exclude-op "
                                + op
                                + ": no node has that operator type; the model has "
                                + String.join(", ", new java.util.TreeSet<>(ops)));
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            if (options.excludeNodes().contains(n.getName())) {
                excluded.put(i, "--exclude-node");
            } else if (options.excludeOpTypes().contains(n.getOpType())) {
                excluded.put(i, "--exclude-op " + n.getOpType());
            }
        }
        for (var prop : model.getMetadataPropsList()) {
            if (prop.getKey().equals(QUANTIZABLE_NODES_KEY)) {
                Set<String> listed = new HashSet<>(List.of(prop.getValue().split(",")));
                for (int i = 0; i < nodes.size(); i++) {
                    if (!listed.contains(nodes.get(i).getName())) {
                        excluded.putIfAbsent(i, NOT_LISTED);
                    }
                }
            }
        }
        if (options.keepHeadFloat()) {
            // Walk back from every output; a Conv, Gemm or MatMul ends the walk (it is the last
            // layer and stays quantized), everything met before it is decode.
            List<Integer> stack = new ArrayList<>();
            graphOutputs.forEach(o -> pushProducer(o, stack));
            BitSet seen = new BitSet();
            while (!stack.isEmpty()) {
                int i = stack.remove(stack.size() - 1);
                if (seen.get(i)) {
                    continue;
                }
                seen.set(i);
                NodeProto n = nodes.get(i);
                if (n.getDomain().isEmpty() && HEAD_BOUNDARY.contains(n.getOpType())) {
                    continue;
                }
                excluded.putIfAbsent(i, HEAD);
                n.getInputList().forEach(in -> pushProducer(in, stack));
            }
        }
    }

    private void pushProducer(String value, List<Integer> stack) {
        Integer p = producer.get(value);
        if (p != null) {
            stack.add(p);
        }
    }

    private void checkSupported() throws QuantizationException {
        for (int i = 0; i < nodes.size(); i++) {
            if (excluded.containsKey(i)) {
                continue;
            }
            NodeProto n = nodes.get(i);
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    throw unsupported(
                            i,
                            "holds a subgraph, whose values the quantizer cannot calibrate (they"
                                    + " cannot be made graph outputs)");
                }
            }
            if (n.getDomain().isEmpty() && UNSUPPORTED_WEIGHTED.contains(n.getOpType())) {
                throw unsupported(
                        i,
                        "has weights the quantizer cannot quantize (it quantizes Conv, Gemm and MatMul)");
            }
            if (n.getDomain().isEmpty() && n.getOpType().equals("Conv")) {
                String w = n.getInputCount() > 1 ? n.getInput(1) : "";
                if (!initializers.containsKey(w)) {
                    throw unsupported(
                            i,
                            "takes its weights from '"
                                    + w
                                    + "', which is not an initializer: only constant weights can"
                                    + " be quantized ahead of time");
                }
                checkFloatConstant(i, w);
                if (n.getInputCount() > 2 && initializers.containsKey(n.getInput(2))) {
                    checkFloatConstant(i, n.getInput(2));
                }
            }
        }
    }

    private void checkFloatConstant(int node, String name) throws QuantizationException {
        TensorProto t = initializers.get(name);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    file
                            + ": weights '"
                            + name
                            + "' are in an external data file; save the model as one file first");
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new QuantizationException(
                    Code.UNSUPPORTED_MODEL,
                    file
                            + ": "
                            + label(node)
                            + " has "
                            + TensorProto.DataType.forNumber(t.getDataType())
                            + " weights '"
                            + name
                            + "', expected FLOAT: the quantizer takes float32 models");
        }
    }

    private QuantizationException unsupported(int node, String why) {
        NodeProto n = nodes.get(node);
        String hint =
                n.getName().isEmpty()
                        ? "--exclude-op " + n.getOpType()
                        : "--exclude-node " + n.getName() + " or --exclude-op " + n.getOpType();
        return new QuantizationException(
                Code.UNSUPPORTED_OPERATOR,
                file + ": " + label(node) + " " + why + "; to keep it float, pass " + hint);
    }

    /** "node 'conv_3' (Conv)", or "node #3 (Conv)" for a nameless one. */
    private String label(int node) {
        NodeProto n = nodes.get(node);
        return (n.getName().isEmpty() ? "node #" + node : "node '" + n.getName() + "'")
                + " ("
                + n.getOpType()
                + ")";
    }

    private String shortLabel(int node) {
        NodeProto n = nodes.get(node);
        return n.getName().isEmpty() ? n.getOpType() + "#" + node : n.getName();
    }

    /**
     * The model with every node output also declared as a graph output (without a type; ONNX
     * Runtime infers it), so that one session both tells the element type of every value and
     * fetches any activation for calibration.
     */
    byte[] calibrationModel() {
        GraphProto.Builder g = graph.toBuilder();
        for (NodeProto n : nodes) {
            for (String out : n.getOutputList()) {
                if (!out.isEmpty() && !graphOutputs.contains(out)) {
                    g.addOutput(ValueInfoProto.newBuilder().setName(out));
                }
            }
        }
        return model.toBuilder().setGraph(g).build().toByteArray();
    }

    /**
     * Chooses the activation tensors to quantize: every float input of a quantized node, and every
     * float output of one that is not a graph output. Then folds ReLUs and aliases.
     *
     * @param floatValues the values (inputs and node outputs) ONNX Runtime reports as float32
     */
    void selectTensors(Set<String> floatValues) {
        for (int i = quantized.nextSetBit(0); i >= 0; i = quantized.nextSetBit(i + 1)) {
            NodeProto n = nodes.get(i);
            for (int k : dataInputs(n)) {
                String in = n.getInput(k);
                if (!in.isEmpty() && !constants.contains(in) && floatValues.contains(in)) {
                    tensors.add(in);
                }
            }
            for (String out : n.getOutputList()) {
                if (!out.isEmpty()
                        && floatValues.contains(out)
                        && !graphOutputs.contains(out)
                        && consumers.containsKey(out)) {
                    tensors.add(out);
                }
            }
        }
        outputNames = new ArrayList<>();
        nodes.forEach(n -> outputNames.add(n.getOutputList().toArray(new String[0])));
        foldActivations();
        for (int i = quantized.nextSetBit(0); i >= 0; i = quantized.nextSetBit(i + 1)) {
            NodeProto n = nodes.get(i);
            if (ROLES.get(n.getOpType()) != Role.ALIAS || folded.get(i) || isCubicResize(n)) {
                continue;
            }
            String source = n.getInput(0);
            for (String out : outputNames.get(i)) {
                if (tensors.contains(out) && tensors.contains(source)) {
                    aliasOf.put(out, source);
                }
            }
        }
    }

    /**
     * Removes a Relu (or a Clip with minimum 0) that follows a quantized layer whose output feeds
     * nothing else: the layer writes the Relu's output directly, quantized with the Relu output's
     * range. That range starts at 0, so the zero point is -128 and QuantizeLinear saturates every
     * negative value to exactly 0: the same result, and ONNX Runtime sees Conv -> Q, which it fuses
     * into one int8 convolution.
     */
    private void foldActivations() {
        Map<String, Integer> producerNow = new HashMap<>(producer);
        for (int r = quantized.nextSetBit(0); r >= 0; r = quantized.nextSetBit(r + 1)) {
            NodeProto n = nodes.get(r);
            boolean relu = n.getOpType().equals("Relu");
            if (!(relu || (n.getOpType().equals("Clip") && clipsAtZero(n)))) {
                continue;
            }
            String x = n.getInput(0);
            String y = n.getOutput(0);
            Integer p = producerNow.get(x);
            if (p == null
                    || !quantized.get(p)
                    || ROLES.get(nodes.get(p).getOpType()) == Role.ALIAS
                    || graphOutputs.contains(x)
                    || graphOutputs.contains(y)
                    || !consumers.getOrDefault(x, List.of()).equals(List.of(r))
                    || !tensors.contains(y)) {
                continue;
            }
            String[] outs = outputNames.get(p);
            for (int k = 0; k < outs.length; k++) {
                if (outs[k].equals(x)) {
                    outs[k] = y;
                }
            }
            producerNow.put(y, p);
            tensors.remove(x);
            folded.set(r);
        }
    }

    private boolean clipsAtZero(NodeProto clip) {
        if (clip.getInputCount() < 2 || !initializers.containsKey(clip.getInput(1))) {
            return false;
        }
        TensorProto min = initializers.get(clip.getInput(1));
        if (min.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            return false;
        }
        float[] v = TensorData.floats(min);
        return v.length == 1 && v[0] == 0f;
    }

    private static boolean isCubicResize(NodeProto n) {
        if (!n.getOpType().equals("Resize")) {
            return false;
        }
        // Cubic interpolation overshoots the input range; it needs a range of its own.
        return n.getAttributeList().stream()
                .anyMatch(
                        a -> a.getName().equals("mode") && a.getS().toStringUtf8().equals("cubic"));
    }

    /** Input positions that carry data (activations or constant operands), per operator. */
    private static List<Integer> dataInputs(NodeProto n) {
        switch (n.getOpType()) {
            case "Add":
            case "Mul":
            case "Concat":
            case "MatMul":
                List<Integer> all = new ArrayList<>();
                for (int k = 0; k < n.getInputCount(); k++) {
                    all.add(k);
                }
                return all;
            case "Gemm":
                return List.of(0, 1);
            default:
                return n.getInputCount() > 0 ? List.of(0) : List.of();
        }
    }

    /** Tensors whose range must be calibrated: the quantized ones that are not aliases. */
    List<String> calibratedTensors() {
        List<String> out = new ArrayList<>();
        for (String t : tensors) {
            if (!aliasOf.containsKey(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private String root(String tensor) {
        String t = tensor;
        while (aliasOf.containsKey(t)) {
            t = aliasOf.get(t);
        }
        return t;
    }

    /**
     * Quantized node names (or {@code OpType#index}), in graph order, ReLUs folded away included.
     */
    List<String> quantizedNodes() {
        List<String> out = new ArrayList<>();
        for (int i = quantized.nextSetBit(0); i >= 0; i = quantized.nextSetBit(i + 1)) {
            out.add(shortLabel(i) + (folded.get(i) ? " (folded)" : ""));
        }
        return out;
    }

    /** Nodes kept float, each as {@code name (reason)}, in graph order. */
    List<String> excludedNodes() {
        List<String> out = new ArrayList<>();
        excluded.forEach((i, why) -> out.add(shortLabel(i) + " (" + why + ")"));
        return out;
    }

    int activationTensorCount() {
        return tensors.size();
    }

    /** Builds the QDQ model. */
    ModelProto rewrite(Map<String, QuantParams> params, Map<String, String> metadata) {
        return new Writer(params).write(metadata);
    }

    /** One rewrite: names and initializers created while emitting the new node list. */
    private final class Writer {
        private final Map<String, QuantParams> params;
        private final Set<String> used = new HashSet<>();
        private final List<TensorProto> created = new ArrayList<>();
        private final List<NodeProto> out = new ArrayList<>();
        private final Map<String, String[]> rootInitializers = new HashMap<>();
        private final Map<String, String> dequantized = new HashMap<>();
        private final Map<String, WeightQuantizer.Int8Weights> weights = new HashMap<>();
        private final Map<String, String> weightOutputs = new HashMap<>();

        Writer(Map<String, QuantParams> params) {
            this.params = params;
            graph.getInitializerList().forEach(t -> used.add(t.getName()));
            graph.getInputList().forEach(v -> used.add(v.getName()));
            graph.getOutputList().forEach(v -> used.add(v.getName()));
            graph.getValueInfoList().forEach(v -> used.add(v.getName()));
            for (NodeProto n : nodes) {
                used.add(n.getName());
                used.addAll(n.getInputList());
                used.addAll(n.getOutputList());
            }
        }

        ModelProto write(Map<String, String> metadata) {
            for (String t : tensors) {
                dequantized.put(t, unique(t + "_DequantizeLinear_Output"));
            }
            for (String in : graphInputs) {
                if (tensors.contains(in)) {
                    emitQdq(in);
                }
            }
            for (int i = 0; i < nodes.size(); i++) {
                if (folded.get(i)) {
                    continue;
                }
                NodeProto.Builder n = nodes.get(i).toBuilder();
                if (quantized.get(i) && ROLES.get(n.getOpType()) == Role.WEIGHTED) {
                    quantizeWeights(n);
                }
                for (int k = 0; k < n.getInputCount(); k++) {
                    String dq = dequantized.get(n.getInput(k));
                    if (dq != null) {
                        n.setInput(k, dq);
                    }
                }
                String[] outs = outputNames.get(i);
                for (int k = 0; k < outs.length; k++) {
                    n.setOutput(k, outs[k]);
                }
                out.add(n.build());
                for (String o : outs) {
                    if (tensors.contains(o)) {
                        emitQdq(o);
                    }
                }
            }
            return assemble(metadata);
        }

        private ModelProto assemble(Map<String, String> metadata) {
            Set<String> referenced = new HashSet<>();
            out.forEach(n -> collectInputs(n, referenced));
            graph.getOutputList().forEach(v -> referenced.add(v.getName()));
            Set<String> values = new HashSet<>(referenced);
            out.forEach(n -> values.addAll(n.getOutputList()));
            values.addAll(graphInputs);

            GraphProto.Builder g = graph.toBuilder().clearNode().clearInitializer().clearInput();
            g.clearValueInfo();
            for (ValueInfoProto v : graph.getInputList()) {
                if (graphInputs.contains(v.getName()) || referenced.contains(v.getName())) {
                    g.addInput(v);
                }
            }
            for (TensorProto t : graph.getInitializerList()) {
                if (referenced.contains(t.getName())) {
                    g.addInitializer(t);
                }
            }
            created.forEach(g::addInitializer);
            for (ValueInfoProto v : graph.getValueInfoList()) {
                if (values.contains(v.getName())) {
                    g.addValueInfo(v);
                }
            }
            g.addAllNode(out);

            ModelProto.Builder m = model.toBuilder().setGraph(g).clearMetadataProps();
            for (StringStringEntryProto e : model.getMetadataPropsList()) {
                if (!metadata.containsKey(e.getKey())) {
                    m.addMetadataProps(e);
                }
            }
            metadata.forEach(
                    (k, v) ->
                            m.addMetadataProps(
                                    StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
            return m.build();
        }

        private void collectInputs(NodeProto n, Set<String> into) {
            into.addAll(n.getInputList());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    a.getG().getNodeList().forEach(s -> collectInputs(s, into));
                }
                for (GraphProto sub : a.getGraphsList()) {
                    sub.getNodeList().forEach(s -> collectInputs(s, into));
                }
            }
        }

        private void emitQdq(String tensor) {
            String root = root(tensor);
            String[] sz =
                    rootInitializers.computeIfAbsent(
                            root,
                            r -> {
                                QuantParams p = params.get(r);
                                String scale = unique(r + "_scale");
                                String zp = unique(r + "_zero_point");
                                created.add(floatTensor(scale, new float[] {p.scale()}));
                                created.add(zeroPoint(zp, p));
                                return new String[] {scale, zp};
                            });
            String q = unique(tensor + "_QuantizeLinear_Output");
            out.add(
                    NodeProto.newBuilder()
                            .setName(unique(tensor + "_QuantizeLinear"))
                            .setOpType("QuantizeLinear")
                            .addInput(tensor)
                            .addInput(sz[0])
                            .addInput(sz[1])
                            .addOutput(q)
                            .build());
            out.add(
                    NodeProto.newBuilder()
                            .setName(unique(tensor + "_DequantizeLinear"))
                            .setOpType("DequantizeLinear")
                            .addInput(q)
                            .addInput(sz[0])
                            .addInput(sz[1])
                            .addOutput(dequantized.get(tensor))
                            .build());
        }

        private void quantizeWeights(NodeProto.Builder n) {
            switch (n.getOpType()) {
                case "Conv":
                    {
                        String w = weight(n.getInput(1), 0);
                        if (n.getInputCount() > 2) {
                            bias(n, 2, n.getInput(0), n.getInput(1), 0);
                        }
                        n.setInput(1, w);
                        break;
                    }
                case "Gemm":
                    {
                        if (!isWeight(n.getInput(1), 2)) {
                            break;
                        }
                        int axis = intAttribute(n, "transB", 0) == 1 ? 0 : 1;
                        boolean plainBias =
                                floatAttribute(n, "alpha", 1f) == 1f
                                        && floatAttribute(n, "beta", 1f) == 1f;
                        String w = weight(n.getInput(1), axis);
                        if (n.getInputCount() > 2 && plainBias) {
                            bias(n, 2, n.getInput(0), n.getInput(1), axis);
                        }
                        n.setInput(1, w);
                        break;
                    }
                default: // MatMul: a constant B [K, N] gets a scale per output column
                    for (int k = 0; k < n.getInputCount(); k++) {
                        String in = n.getInput(k);
                        if (isWeight(in, -1)) {
                            int axis = k == 1 && initializers.get(in).getDimsCount() == 2 ? 1 : -1;
                            n.setInput(k, weight(in, axis));
                        }
                    }
            }
        }

        private boolean isWeight(String name, int rank) {
            TensorProto t = initializers.get(name);
            return t != null
                    && t.getDataType() == TensorProto.DataType.FLOAT_VALUE
                    && t.getDataLocation() != TensorProto.DataLocation.EXTERNAL
                    && (rank < 0 || t.getDimsCount() == rank);
        }

        /** Int8 weights behind a DequantizeLinear; returns the float value the node reads. */
        private String weight(String name, int axis) {
            String done = weightOutputs.get(name);
            if (done != null) {
                return done;
            }
            TensorProto t = initializers.get(name);
            long[] shape = dims(t);
            WeightQuantizer.Int8Weights q =
                    WeightQuantizer.quantize(TensorData.floats(t), shape, axis);
            String values = unique(name + "_quantized");
            String scale = unique(name + "_scale");
            String zp = unique(name + "_zero_point");
            TensorProto.Builder v =
                    TensorProto.newBuilder()
                            .setName(values)
                            .setDataType(TensorProto.DataType.INT8_VALUE)
                            .setRawData(ByteString.copyFrom(q.values()));
            for (long d : shape) {
                v.addDims(d);
            }
            created.add(v.build());
            if (axis < 0) {
                created.add(floatTensor(scale, q.scales()));
                created.add(int8Tensor(zp, new byte[1]));
            } else {
                created.add(floatVector(scale, q.scales()));
                created.add(int8Vector(zp, new byte[q.scales().length]));
            }
            String output = unique(name + "_DequantizeLinear_Output");
            NodeProto.Builder dq =
                    NodeProto.newBuilder()
                            .setName(unique(name + "_DequantizeLinear"))
                            .setOpType("DequantizeLinear")
                            .addInput(values)
                            .addInput(scale)
                            .addInput(zp)
                            .addOutput(output);
            if (axis >= 0) {
                dq.addAttribute(
                        AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(axis));
            }
            out.add(dq.build());
            weights.put(name, q);
            weightOutputs.put(name, output);
            return output;
        }

        /**
         * An int32 bias with scale inputScale * weightScale[c] and zero point 0, which is what the
         * int8 kernels add to their int32 accumulators; a bias that is not a 1-D constant of the
         * right length stays float.
         */
        private void bias(
                NodeProto.Builder n, int position, String input, String weight, int axis) {
            String name = n.getInput(position);
            QuantParams in = tensors.contains(input) ? params.get(root(input)) : null;
            WeightQuantizer.Int8Weights w = weights.get(weight);
            if (in == null || !isWeight(name, 1) || w == null) {
                return;
            }
            TensorProto t = initializers.get(name);
            float[] b = TensorData.floats(t);
            if (w.scales().length != 1 && w.scales().length != b.length) {
                return;
            }
            float[] scales = new float[b.length];
            int[] q = WeightQuantizer.quantizeBias(b, in.scale(), w.scales(), scales);
            String values = unique(name + "_quantized");
            String scale = unique(name + "_scale");
            String zp = unique(name + "_zero_point");
            ByteBuffer raw = ByteBuffer.allocate(4 * q.length).order(ByteOrder.LITTLE_ENDIAN);
            for (int v : q) {
                raw.putInt(v);
            }
            created.add(
                    TensorProto.newBuilder()
                            .setName(values)
                            .setDataType(TensorProto.DataType.INT32_VALUE)
                            .addDims(q.length)
                            .setRawData(ByteString.copyFrom(raw.array()))
                            .build());
            created.add(floatVector(scale, scales));
            created.add(
                    TensorProto.newBuilder()
                            .setName(zp)
                            .setDataType(TensorProto.DataType.INT32_VALUE)
                            .addDims(q.length)
                            .setRawData(ByteString.copyFrom(new byte[4 * q.length]))
                            .build());
            String output = unique(name + "_DequantizeLinear_Output");
            out.add(
                    NodeProto.newBuilder()
                            .setName(unique(name + "_DequantizeLinear"))
                            .setOpType("DequantizeLinear")
                            .addInput(values)
                            .addInput(scale)
                            .addInput(zp)
                            .addOutput(output)
                            .addAttribute(
                                    AttributeProto.newBuilder()
                                            .setName("axis")
                                            .setType(AttributeProto.AttributeType.INT)
                                            .setI(0))
                            .build());
            n.setInput(position, output);
        }

        private String unique(String base) {
            String name = base;
            for (int k = 1; !used.add(name); k++) {
                name = base + "_" + k;
            }
            return name;
        }
    }

    private static long[] dims(TensorProto t) {
        long[] d = new long[t.getDimsCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDims(i);
        }
        return d;
    }

    private static long intAttribute(NodeProto.Builder n, String name, long otherwise) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return otherwise;
    }

    private static float floatAttribute(NodeProto.Builder n, String name, float otherwise) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return otherwise;
    }

    private static TensorProto floatTensor(String name, float[] scalar) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(TensorData.littleEndian(scalar))
                .build();
    }

    private static TensorProto floatVector(String name, float[] values) {
        return floatTensor(name, values).toBuilder().addDims(values.length).build();
    }

    private static TensorProto int8Tensor(String name, byte[] scalar) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT8_VALUE)
                .setRawData(ByteString.copyFrom(scalar))
                .build();
    }

    private static TensorProto zeroPoint(String name, QuantParams p) {
        return TensorProto.newBuilder()
                .setName(name)
                .setDataType(
                        p.unsigned()
                                ? TensorProto.DataType.UINT8_VALUE
                                : TensorProto.DataType.INT8_VALUE)
                .setRawData(ByteString.copyFrom(new byte[] {(byte) p.zeroPoint()}))
                .build();
    }

    private static TensorProto int8Vector(String name, byte[] values) {
        return int8Tensor(name, values).toBuilder().addDims(values.length).build();
    }
}
