package dev.edgetwin.modelkit.quantize;

import static dev.edgetwin.modelkit.quantize.QdqTestSupport.activationParams;
import static dev.edgetwin.modelkit.quantize.QdqTestSupport.parse;
import static dev.edgetwin.modelkit.quantize.QdqTestSupport.quantizerOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.edgetwin.modelkit.ModelInspector;
import dev.edgetwin.modelkit.ModelReport;
import dev.edgetwin.modelkit.QuantizerTestModels;
import dev.edgetwin.modelkit.quantize.QuantizationException.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the quantizer writes (format, metadata, exclusions, determinism) and every way it refuses.
 */
class StaticQuantizerTest {
    private static final int SIZE = 64;
    private static final long[] SHAPE = {1, 3, SIZE, SIZE};

    private static byte[] convStack;
    private static CalibrationSet random;

    @BeforeAll
    static void models() throws Exception {
        convStack = QuantizerTestModels.convStack(SIZE, 32, 7, 42);
        random = CalibrationSet.tensors("uniform", SHAPE, QdqTestSupport.uniform(SHAPE, 4, 1));
    }

    @Test
    void keepsTheModelContractAndAddsCalibrationMetadata() throws Exception {
        QuantizedModel q =
                StaticQuantizer.quantize(
                        convStack,
                        "conv-stack.onnx",
                        CalibrationSet.simulator(1, 3),
                        QuantizationOptions.defaults());
        ModelReport before = ModelInspector.inspect(convStack, "float");
        ModelReport after = ModelInspector.inspect(q.bytes(), "int8");
        assertEquals(before.inputs(), after.inputs());
        assertEquals(before.outputs(), after.outputs());
        assertEquals(before.opsetImports(), after.opsetImports());
        assertEquals(before.irVersion(), after.irVersion());
        assertEquals(before.producerName(), after.producerName());

        assertTrue(after.quantized());
        assertEquals("int8 (QDQ)", after.weightPrecision());
        // One pair per quantized activation, one per int8 weight tensor (5 Convs).
        assertEquals(q.activationTensors() + 5, after.qdqPairs());
        assertEquals(q.activationTensors(), after.quantizeLinearCount());

        Map<String, String> expected = new LinkedHashMap<>(before.metadata());
        expected.put("edgetwin.quantization", "static QDQ S8S8, per-channel weights, int32 bias");
        expected.put("edgetwin.quantization.excluded", "none");
        expected.put("edgetwin.calibration.method", "minmax");
        expected.put("edgetwin.calibration.frames", "3");
        expected.put("edgetwin.calibration.source", "simulator seed 1, a frame every 3 s");
        expected.put("edgetwin.calibration.sha256", q.calibrationSha256());
        expected.put(
                "edgetwin.quantizer",
                "dev.edgetwin.modelkit.quantize.StaticQuantizer " + version());
        assertEquals(expected, after.metadata());
        assertTrue(q.calibrationSha256().matches("[0-9a-f]{64}"), q.calibrationSha256());
        assertTrue(
                after.summary().contains("edgetwin.calibration.method: minmax"), after.summary());

        try (var model = new QdqTestSupport.Model(q.bytes())) {
            float[] y = model.run(QdqTestSupport.uniform(SHAPE, 1, 9).get(0), SHAPE);
            assertEquals(7 * (SIZE / 4) * (SIZE / 4), y.length);
        }
    }

    @Test
    void sameModelAndCalibrationGiveTheSameBytes(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.onnx"), convStack);
        for (CalibrationMethod method : CalibrationMethod.values()) {
            QuantizationOptions options = QuantizationOptions.defaults().withMethod(method);
            StaticQuantizer.quantize(
                    in, dir.resolve("a.onnx"), CalibrationSet.simulator(3, 2), options);
            StaticQuantizer.quantize(
                    in, dir.resolve("b.onnx"), CalibrationSet.simulator(3, 2), options);
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("a.onnx")),
                    Files.readAllBytes(dir.resolve("b.onnx")),
                    method.id());
        }
        // The check can fail: other frames give other ranges, another digest, other bytes.
        QuantizedModel other =
                StaticQuantizer.quantize(
                        convStack,
                        "in.onnx",
                        CalibrationSet.simulator(4, 2),
                        QuantizationOptions.defaults());
        assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("a.onnx")), other.bytes()));
    }

    @Test
    void decodeHeadAfterTheLastConvStaysFloat() throws Exception {
        byte[] model = QuantizerTestModels.convStackWithDecode(SIZE, 32, 7, 1);
        QuantizedModel q =
                StaticQuantizer.quantize(model, "decode", random, QuantizationOptions.defaults());
        ModelProto m = parse(q.bytes());
        NodeProto sigmoid = single(m, "Sigmoid");
        assertEquals(
                List.of(sigmoid.getName() + " (decode head)", "output0_node (decode head)"),
                q.excludedNodes());
        assertEquals(
                String.join(", ", q.excludedNodes()),
                metadata(m).get(StaticQuantizer.KEY_EXCLUDED));
        // The head Conv is int8 and hands the head a dequantized tensor; the head itself is float.
        assertNull(quantizerOf(m, sigmoid.getOutput(0)));
        assertTrue(sigmoid.getInput(0).endsWith("_DequantizeLinear_Output"), sigmoid.getInput(0));
        assertEquals(3, q.quantizedNodes().stream().filter(n -> n.startsWith("conv")).count());

        QuantizedModel all =
                StaticQuantizer.quantize(
                        model,
                        "decode",
                        random,
                        QuantizationOptions.defaults().withHeadFloat(false));
        assertEquals(List.of(), all.excludedNodes());
        assertNotNull(quantizerOf(parse(all.bytes()), sigmoid.getOutput(0)));
    }

    @Test
    void excludedNodesKeepFloatWeightsAndUnfoldedActivations() throws Exception {
        QuantizedModel q =
                StaticQuantizer.quantize(
                        convStack,
                        "conv-stack",
                        random,
                        QuantizationOptions.defaults()
                                .withExcludedNodes(Set.of("conv_15_node"))
                                .withExcludedOpTypes(Set.of("Relu")));
        ModelProto m = parse(q.bytes());
        assertEquals(
                List.of(
                        "relu_3_node (--exclude-op Relu)",
                        "relu_7_node (--exclude-op Relu)",
                        "relu_12_node (--exclude-op Relu)",
                        "conv_15_node (--exclude-node)",
                        "relu_16_node (--exclude-op Relu)"),
                q.excludedNodes());
        // Its weights stay the float initializer; the Relus stay nodes instead of folding away.
        assertEquals("w_13", byName(m, "conv_15_node").getInput(1));
        assertEquals(
                4,
                m.getGraph().getNodeList().stream()
                        .filter(n -> n.getOpType().equals("Relu"))
                        .count());
        assertTrue(
                q.quantizedNodes().stream().noneMatch(n -> n.endsWith("(folded)")),
                q.quantizedNodes().toString());

        QuantizedModel folded = quantize(convStack, random);
        assertEquals(
                0,
                parse(folded.bytes()).getGraph().getNodeList().stream()
                        .filter(n -> n.getOpType().equals("Relu"))
                        .count());
    }

    @Test
    void aModelThatListsItsQuantizableNodesHasOnlyThoseQuantized() throws Exception {
        ModelProto listed =
                parse(convStack).toBuilder()
                        .addMetadataProps(
                                ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                                        .setKey(QdqGraph.QUANTIZABLE_NODES_KEY)
                                        .setValue("conv_2_node,relu_3_node"))
                        .build();
        QuantizedModel q =
                StaticQuantizer.quantize(
                        listed.toByteArray(),
                        "listed",
                        random,
                        QuantizationOptions.defaults().withExcludedOpTypes(Set.of("Relu")));
        assertTrue(
                q.quantizedNodes().stream().allMatch(n -> n.startsWith("conv_2_node")),
                q.quantizedNodes().toString());
        assertTrue(
                q.excludedNodes()
                        .contains("conv_6_node (not in the model's edgetwin.quantizable_nodes)"),
                q.excludedNodes().toString());
        // Exclusions given by the user still apply to listed nodes, under their own reason.
        assertTrue(
                q.excludedNodes().contains("relu_3_node (--exclude-op Relu)"),
                q.excludedNodes().toString());
    }

    @Test
    void percentileAndEntropyNarrowARangeThatMinMaxStretchesToAnOutlier() throws Exception {
        int size = 48;
        long[] shape = {1, 3, size, size};
        byte[] model = QuantizerTestModels.singleConvRelu(size, 16, 7);
        List<float[]> inputs = QdqTestSupport.uniform(shape, 8, 3);
        // One pixel at 100 among 55,296 values in [0, 1): it reaches at most 9 x 16 of the
        // convolution's 294,912 outputs, under the 0.1% that percentile 99.9 clips at each end.
        inputs.get(5)[1000] = 100;
        CalibrationSet withOutlier = CalibrationSet.tensors("outlier", shape, inputs);
        String conv = "conv_2";
        Map<CalibrationMethod, Float> scales = new LinkedHashMap<>();
        for (CalibrationMethod method : CalibrationMethod.values()) {
            ModelProto m =
                    parse(
                            StaticQuantizer.quantize(
                                            model,
                                            "outlier",
                                            withOutlier,
                                            QuantizationOptions.defaults()
                                                    .withMethod(method)
                                                    .withPercentile(99.9))
                                    .bytes());
            scales.put(method, activationParams(m, conv).scale());
            assertEquals(
                    method == CalibrationMethod.PERCENTILE ? "percentile 99.9" : method.id(),
                    metadata(m).get(StaticQuantizer.KEY_METHOD));
        }
        float minmax = scales.get(CalibrationMethod.MINMAX);
        assertTrue(scales.get(CalibrationMethod.PERCENTILE) < minmax / 5, scales.toString());
        assertTrue(scales.get(CalibrationMethod.ENTROPY) < minmax / 5, scales.toString());
    }

    @Test
    void rejectsWhatIsNotAnOnnxModel(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.onnx"), "hello\n");
        var e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        text,
                                        dir.resolve("out.onnx"),
                                        random,
                                        QuantizationOptions.defaults()));
        assertEquals(Code.NOT_ONNX, e.code());
        assertTrue(e.getMessage().startsWith(text + ": is a text file"), e.getMessage());

        Path missing = dir.resolve("missing.onnx");
        e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        missing,
                                        dir.resolve("out.onnx"),
                                        random,
                                        QuantizationOptions.defaults()));
        assertEquals(Code.UNREADABLE_MODEL, e.code());
        assertEquals(missing + ": no such file", e.getMessage());

        e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        dir,
                                        dir.resolve("out.onnx"),
                                        random,
                                        QuantizationOptions.defaults()));
        assertEquals(Code.UNREADABLE_MODEL, e.code());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());

        e = refuse(() -> quantize(new byte[] {8, 1, 0x12}, random));
        assertEquals(Code.NOT_ONNX, e.code());
        assertFalse(Files.exists(dir.resolve("out.onnx")));
    }

    @Test
    void rejectsModelsItDoesNotTake() throws Exception {
        byte[] quantized = quantize(convStack, random).bytes();
        var e = refuse(() -> quantize(quantized, random));
        assertEquals(Code.UNSUPPORTED_MODEL, e.code());
        assertTrue(e.getMessage().contains("is already quantized"), e.getMessage());

        e = refuse(() -> quantize(QuantizerTestModels.singleConvOpset(8, 12), random));
        assertEquals(Code.UNSUPPORTED_MODEL, e.code());
        assertEquals(
                "model.onnx: uses ai.onnx opset 12, the quantizer needs 13 or newer (per-channel"
                        + " DequantizeLinear); re-export the model with a newer opset",
                e.getMessage());

        // Everything excluded: nothing left to make int8.
        e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        convStack,
                                        "model.onnx",
                                        random,
                                        QuantizationOptions.defaults()
                                                .withExcludedOpTypes(Set.of("Conv"))));
        assertEquals(Code.UNSUPPORTED_MODEL, e.code());
        assertTrue(
                e.getMessage().contains("no Conv, Gemm or MatMul left to quantize"),
                e.getMessage());
    }

    @Test
    void namesAWeightedOperatorItCannotQuantizeAndHowToKeepItFloat() throws Exception {
        byte[] model = QuantizerTestModels.withConvTranspose(16, 1);
        CalibrationSet frames =
                CalibrationSet.tensors(
                        "uniform",
                        new long[] {1, 3, 16, 16},
                        QdqTestSupport.uniform(new long[] {1, 3, 16, 16}, 2, 1));
        var e = refuse(() -> quantize(model, frames));
        assertEquals(Code.UNSUPPORTED_OPERATOR, e.code());
        assertEquals(
                "model.onnx: node 'up_node' (ConvTranspose) has weights the quantizer cannot"
                        + " quantize (it quantizes Conv, Gemm and MatMul); to keep it float, pass"
                        + " --exclude-node up_node or --exclude-op ConvTranspose",
                e.getMessage());

        QuantizedModel q =
                StaticQuantizer.quantize(
                        model,
                        "model.onnx",
                        frames,
                        QuantizationOptions.defaults()
                                .withExcludedOpTypes(Set.of("ConvTranspose")));
        assertTrue(q.excludedNodes().contains("up_node (--exclude-op ConvTranspose)"));
        try (var m = new QdqTestSupport.Model(q.bytes())) {
            assertEquals(
                    2 * 16 * 16, m.run(new float[3 * 16 * 16], new long[] {1, 3, 16, 16}).length);
        }
    }

    @Test
    void rejectsExclusionsThatNameNothing() {
        var e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        convStack,
                                        "model.onnx",
                                        random,
                                        QuantizationOptions.defaults()
                                                .withExcludedNodes(Set.of("conv_99"))));
        assertEquals(Code.BAD_OPTION, e.code());
        assertTrue(
                e.getMessage()
                        .startsWith("model.onnx: --exclude-node conv_99: no node has that name"),
                e.getMessage());

        e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        convStack,
                                        "model.onnx",
                                        random,
                                        QuantizationOptions.defaults()
                                                .withExcludedOpTypes(Set.of("Sigmod"))));
        assertEquals(Code.BAD_OPTION, e.code());
        assertEquals(
                "model.onnx: --exclude-op Sigmod: no node has that operator type; the model has"
                        + " Add, Concat, Conv, MaxPool, Relu",
                e.getMessage());
    }

    @Test
    void rejectsCalibrationThatDoesNotFitOrOverflows() throws Exception {
        var e =
                refuse(
                        () ->
                                quantize(
                                        convStack,
                                        CalibrationSet.tensors(
                                                "small",
                                                new long[] {1, 3, 8, 8},
                                                QdqTestSupport.uniform(
                                                        new long[] {1, 3, 8, 8}, 1, 1))));
        assertEquals(Code.BAD_CALIBRATION, e.code());
        assertEquals(
                "calibration tensors have shape [1, 3, 8, 8], model input 'images' is [1, 3, 64, 64]",
                e.getMessage());

        float[] overflow = QdqTestSupport.uniform(SHAPE, 1, 1).get(0);
        overflow[7] = Float.POSITIVE_INFINITY;
        e =
                refuse(
                        () ->
                                quantize(
                                        convStack,
                                        CalibrationSet.tensors("inf", SHAPE, List.of(overflow))));
        assertEquals(Code.CALIBRATION_FAILED, e.code());
        assertTrue(
                e.getMessage().contains("activation 'images' is infinite on calibration input 0"),
                e.getMessage());
    }

    @Test
    void reportsAnOutputItCannotWrite(@TempDir Path dir) throws Exception {
        Path in = Files.write(dir.resolve("in.onnx"), convStack);
        Path out = dir.resolve("no-such-dir").resolve("out.onnx");
        var e =
                refuse(
                        () ->
                                StaticQuantizer.quantize(
                                        in, out, random, QuantizationOptions.defaults()));
        assertEquals(Code.WRITE_FAILED, e.code());
        assertTrue(
                e.getMessage().startsWith(out + ": cannot write the quantized model"),
                e.getMessage());
    }

    @Test
    void optionsAreCheckedWhenBuilt() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> QuantizationOptions.defaults().withPercentile(40));
        assertEquals("percentile must be in (50, 100], got 40.0", e.getMessage());
        assertEquals(
                "calibration method 'kl' is not one of minmax, percentile, entropy",
                assertThrows(IllegalArgumentException.class, () -> CalibrationMethod.parse("kl"))
                        .getMessage());
        assertEquals(QdqFormat.U8S8, QdqFormat.parse("U8S8"));
    }

    private interface Quantization {
        void run() throws Exception;
    }

    private static QuantizationException refuse(Quantization q) {
        return assertThrows(QuantizationException.class, q::run);
    }

    private static QuantizedModel quantize(byte[] model, CalibrationSet set)
            throws QuantizationException {
        return StaticQuantizer.quantize(model, "model.onnx", set, QuantizationOptions.defaults());
    }

    private static NodeProto single(ModelProto m, String opType) {
        List<NodeProto> found =
                m.getGraph().getNodeList().stream()
                        .filter(n -> n.getOpType().equals(opType))
                        .toList();
        assertEquals(1, found.size(), opType);
        return found.get(0);
    }

    private static NodeProto byName(ModelProto m, String name) {
        return m.getGraph().getNodeList().stream()
                .filter(n -> n.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }

    private static Map<String, String> metadata(ModelProto m) {
        Map<String, String> out = new LinkedHashMap<>();
        for (StringStringEntryProto e : m.getMetadataPropsList()) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }

    private static String version() throws Exception {
        var p = new java.util.Properties();
        try (var in =
                StaticQuantizer.class.getResourceAsStream(
                        "/dev/edgetwin/modelkit/modelkit.properties")) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return p.getProperty("version");
    }
}
