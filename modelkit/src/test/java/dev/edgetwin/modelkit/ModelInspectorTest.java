package dev.edgetwin.modelkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.protobuf.ByteString;
import dev.edgetwin.modelkit.ModelInspectionException.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInspectorTest {
    private static final byte[] REFERENCE = ReferenceDetector.build();
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @TempDir Path dir;

    @Test
    void describesTheReferenceDetectorAsItsProtobufAndOnnxRuntimeSeeIt() throws Exception {
        ModelReport report = ModelInspector.inspect(REFERENCE, "reference.onnx");
        ModelProto proto = ModelProto.parseFrom(REFERENCE);
        GraphProto graph = proto.getGraph();

        assertEquals("reference.onnx", report.file());
        assertEquals(REFERENCE.length, report.sizeBytes());
        assertEquals(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(REFERENCE)),
                report.sha256());
        assertEquals(DetectorContract.IR_VERSION, report.irVersion());
        assertEquals(Map.of("", DetectorContract.OPSET), report.opsetImports());
        assertEquals("edgetwin-modelkit", report.producerName());
        assertEquals(ModelKitVersion.VERSION, report.producerVersion());
        assertEquals(
                List.of(
                        new TensorDescription(
                                "images", "float32", List.of("1", "3", "320", "320"))),
                report.inputs());
        assertEquals(
                List.of(new TensorDescription("output0", "float32", List.of("1", "7", "1600"))),
                report.outputs());
        try (OrtSession session = ENV.createSession(REFERENCE, new OrtSession.SessionOptions())) {
            assertSameAsOnnxRuntime(report.inputs(), session.getInputInfo());
            assertSameAsOnnxRuntime(report.outputs(), session.getOutputInfo());
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        proto.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        assertEquals(List.copyOf(metadata.entrySet()), List.copyOf(report.metadata().entrySet()));
        assertEquals("{0: 'robot', 1: 'person', 2: 'box'}", report.metadata().get("names"));

        assertEquals(graph.getNodeCount(), report.nodeCount());
        Map<String, Integer> expectedOps = new LinkedHashMap<>();
        graph.getNodeList().stream()
                .map(NodeProto::getOpType)
                .sorted()
                .forEach(op -> expectedOps.merge(op, 1, Integer::sum));
        assertEquals(
                List.copyOf(expectedOps.entrySet()),
                List.copyOf(report.operatorCounts().entrySet()),
                "operator counts in op-type order");

        assertFalse(report.quantized());
        assertEquals(0, report.quantizeLinearCount());
        assertEquals(0, report.dequantizeLinearCount());
        assertEquals(0, report.qdqPairs());
        assertEquals("fp32", report.weightPrecision());
        // Counted from the stored values, not the declared shapes: float32 weights only, the
        // int64 shape/axes tensors are not parameters.
        long floats = 0;
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                floats += t.getFloatDataCount();
            } else {
                assertEquals(TensorProto.DataType.INT64_VALUE, t.getDataType(), t.getName());
            }
        }
        assertEquals(floats, report.parameterCount());
    }

    @Test
    void summaryOfTheReferenceDetector() throws Exception {
        ModelReport report = ModelInspector.inspect(REFERENCE, "reference.onnx");
        String summary = report.summary();
        List<String> lines = summary.lines().toList();
        assertEquals("model       reference.onnx", lines.get(0));
        assertTrue(
                lines.get(1).matches("size        [0-9]+\\.[0-9] (KB|MB) \\([0-9,]+ bytes\\)"),
                lines.get(1));
        assertEquals("sha256      " + report.sha256(), lines.get(2));
        assertEquals("format      ONNX IR version 8, opset ai.onnx 17", lines.get(3));
        assertEquals("producer    edgetwin-modelkit " + ModelKitVersion.VERSION, lines.get(4));
        assertEquals("inputs      images   float32 [1, 3, 320, 320]", lines.get(5));
        assertEquals("outputs     output0  float32 [1, 7, 1600]", lines.get(6));
        assertEquals("nodes       " + report.nodeCount(), lines.get(7));
        assertTrue(lines.get(8).startsWith("operators   Abs "), lines.get(8));
        assertTrue(summary.contains("\nquantized   no (QuantizeLinear 0, DequantizeLinear 0)\n"));
        assertTrue(
                summary.contains(
                        String.format(
                                java.util.Locale.ROOT,
                                "\nweights     fp32, %,d parameters\n",
                                report.parameterCount())),
                summary);
        assertTrue(summary.contains("\nmetadata    description: edgetwin reference detector"));
        assertTrue(summary.contains("\n            names: {0: 'robot', 1: 'person', 2: 'box'}\n"));
        for (String line : lines) {
            assertTrue(line.length() <= 200, line);
        }
    }

    @Test
    void readsAFileAndReportsItsPath() throws Exception {
        Path file = dir.resolve("detector.onnx");
        Files.write(file, REFERENCE);
        ModelReport fromFile = ModelInspector.inspect(file);
        ModelReport fromBytes = ModelInspector.inspect(REFERENCE, file.toString());
        assertEquals(fromBytes, fromFile);
        assertEquals(file.toString(), fromFile.file());
    }

    @Test
    void aQdqConvIsInt8QuantizedWithOnePairPerQuantizedTensor() throws Exception {
        byte[] model = QdqConv.build();
        ModelReport report = ModelInspector.inspect(model, "qdq.onnx");

        assertTrue(report.quantized());
        assertEquals(2, report.quantizeLinearCount(), "input and output activations");
        assertEquals(4, report.dequantizeLinearCount(), "input, weights, bias, output");
        // x: Q -> DQ, y: Q -> DQ, weights: int8 initializer -> DQ. The int32 bias through DQ is
        // no pair: QuantizeLinear never produces int32.
        assertEquals(3, report.qdqPairs());
        assertEquals("int8 (QDQ)", report.weightPrecision());
        assertEquals(
                Map.of("Conv", 1, "DequantizeLinear", 4, "QuantizeLinear", 2),
                report.operatorCounts());
        assertEquals(
                List.of("Conv", "DequantizeLinear", "QuantizeLinear"),
                List.copyOf(report.operatorCounts().keySet()));
        // weights 108 + bias 4 + 4 scales + 3 zero points
        assertEquals(108 + 4 + 4 + 3, report.parameterCount());
        assertTrue(
                report.summary()
                        .contains(
                                "\nquantized   yes, 3 QDQ pairs (QuantizeLinear 2,"
                                        + " DequantizeLinear 4)\n"),
                report.summary());
        assertTrue(report.summary().contains("\nweights     int8 (QDQ), 119 parameters\n"));

        // The model is a real QDQ model: ONNX Runtime runs it and matches a float convolution
        // with the dequantized weights to within one output quantization step.
        float[] x = QdqConv.input();
        float[] expected = QdqConv.referenceOutput(x);
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor in =
                        OnnxTensor.createTensor(
                                ENV, java.nio.FloatBuffer.wrap(x), new long[] {1, 3, 4, 4});
                OrtSession.Result result = session.run(Map.of("x", in))) {
            float[] y = new float[expected.length];
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(y);
            for (int i = 0; i < y.length; i++) {
                assertEquals(expected[i], y[i], QdqConv.OUTPUT_SCALE, "y[" + i + "]");
            }
        }
    }

    @Test
    void fp16WeightsAreReportedAsFp16() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("fp16");
        String x = g.floatInput("x", 1, 4);
        short[] halves = new short[4 * 8];
        float[] values = new float[halves.length];
        short[] bits = {0x3C00, 0x3800, (short) 0xC000, 0x3400}; // 1.0, 0.5, -2.0, 0.25
        float[] exact = {1.0f, 0.5f, -2.0f, 0.25f};
        for (int i = 0; i < halves.length; i++) {
            halves[i] = bits[i % 4];
            values[i] = exact[i % 4];
        }
        String w = g.float16s("w", halves, 4, 8);
        g.namedNode("MatMul", "y", new String[] {x, g.cast(w, TensorProto.DataType.FLOAT)});
        g.floatOutput("y", 1, 8);
        byte[] model = g.build(8, 17, "test", "1").toByteArray();

        ModelReport report = ModelInspector.inspect(model, "fp16.onnx");
        assertEquals("fp16", report.weightPrecision());
        assertFalse(report.quantized());
        assertEquals(32, report.parameterCount());

        // The halves are stored as ONNX expects: ONNX Runtime reads back the same values.
        float[] in = {1, 2, 3, 4};
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(ENV, new float[][] {in});
                OrtSession.Result result = session.run(Map.of("x", t))) {
            float[] y = ((float[][]) result.get(0).getValue())[0];
            for (int j = 0; j < 8; j++) {
                float sum = 0;
                for (int k = 0; k < 4; k++) {
                    sum += in[k] * values[k * 8 + j];
                }
                assertEquals(sum, y[j], 0f, "y[" + j + "]");
            }
        }
    }

    @Test
    void weightsOfTwoPrecisionsAreMixedWithTheirShares() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("mixed");
        String x = g.floatInput("x", 1, 4);
        String half = g.cast(g.float16s("w16", new short[4 * 8], 4, 8), TensorProto.DataType.FLOAT);
        String h = g.op("MatMul", x, half);
        g.namedNode("MatMul", "y", new String[] {h, g.floats("w32", new float[8 * 8], 8, 8)});
        g.floatOutput("y", 1, 8);
        ModelReport report =
                ModelInspector.inspect(g.build(8, 17, "test", "1").toByteArray(), "mixed.onnx");
        assertEquals("mixed: fp32 67%, fp16 33%", report.weightPrecision());
    }

    @Test
    void symbolicDimensionsKeepTheirNames() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("symbolic");
        String images = g.input("images", TensorProto.DataType.FLOAT, "batch", "3", "?", "width");
        g.namedNode("Relu", "out", new String[] {images});
        g.output("out", TensorProto.DataType.FLOAT, "batch", "3", "?", "width");
        byte[] model = g.build(8, 17, "test", "1").toByteArray();

        ModelReport report = ModelInspector.inspect(model, "symbolic.onnx");
        TensorDescription in = report.inputs().get(0);
        assertEquals(List.of("batch", "3", "?", "width"), in.shape());
        assertEquals(List.of("batch", "3", "?", "width"), report.outputs().get(0).shape());
        assertTrue(report.summary().contains("images  float32 [batch, 3, ?, width]"));
        assertEquals("none", report.weightPrecision());
        try (OrtSession session = ENV.createSession(model, new OrtSession.SessionOptions())) {
            assertSameAsOnnxRuntime(report.inputs(), session.getInputInfo());
            assertSameAsOnnxRuntime(report.outputs(), session.getOutputInfo());
        }
    }

    @Test
    void otherElementTypesAndAMissingShapeAreNamed() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("types");
        String a = g.input("a", TensorProto.DataType.UINT8, "1", "480", "640", "3");
        g.namedNode("Identity", "b", new String[] {a});
        g.output("b", TensorProto.DataType.UINT8, "1", "480", "640", "3");
        ModelProto.Builder proto = g.build(8, 17, "test", "1").toBuilder();
        ValueInfoProto.Builder b = proto.getGraphBuilder().getOutputBuilder(0);
        b.getTypeBuilder().getTensorTypeBuilder().clearShape();
        ModelReport report = ModelInspector.inspect(proto.build().toByteArray(), "types.onnx");
        assertEquals(
                new TensorDescription("a", "uint8", List.of("1", "480", "640", "3")),
                report.inputs().get(0));
        assertEquals(
                new TensorDescription("b", "uint8", TensorDescription.UNKNOWN_RANK),
                report.outputs().get(0));
    }

    /** Exports before IR 4 list every initializer as a graph input too; callers feed none. */
    @Test
    void initializersListedAsGraphInputsAreNotInputs() throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("old_style");
        String x = g.floatInput("x", 1, 2);
        String w = g.floats("w", new float[] {2, 3}, 1, 2);
        g.namedNode("Mul", "y", new String[] {x, w});
        g.floatOutput("y", 1, 2);
        ModelProto.Builder proto = g.build(8, 17, "test", "1").toBuilder();
        proto.getGraphBuilder()
                .addInput(proto.getGraph().getInput(0).toBuilder().setName(w).build());
        byte[] model = proto.build().toByteArray();

        ModelReport report = ModelInspector.inspect(model, "old.onnx");
        assertEquals(List.of("x"), report.inputs().stream().map(TensorDescription::name).toList());
        assertEquals(2, report.parameterCount());
    }

    @Test
    void aMissingFileIsUnreadable() {
        Path missing = dir.resolve("nowhere.onnx");
        var e = assertThrows(ModelInspectionException.class, () -> ModelInspector.inspect(missing));
        assertEquals(Code.UNREADABLE, e.code());
        assertEquals(missing.toString(), e.file());
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void aDirectoryIsUnreadable() {
        var e = assertThrows(ModelInspectionException.class, () -> ModelInspector.inspect(dir));
        assertEquals(Code.UNREADABLE, e.code());
        assertEquals(dir + ": is a directory, expected an .onnx file", e.getMessage());
    }

    @Test
    void aTextFileIsNotOnnx() throws Exception {
        Path text = dir.resolve("model.onnx");
        Files.writeString(text, "ir_version: 8\nproducer_name: \"pytorch\"\n");
        var e = assertThrows(ModelInspectionException.class, () -> ModelInspector.inspect(text));
        assertEquals(Code.NOT_ONNX, e.code());
        assertEquals(
                text
                        + ": is a text file, expected a binary ONNX model (protobuf); it begins"
                        + " \"ir_version: 8...\"",
                e.getMessage());
    }

    @Test
    void aGitLfsPointerIsNotOnnxAndSaysHowToFetchTheModel() throws Exception {
        byte[] pointer =
                ("version https://git-lfs.github.com/spec/v1\n"
                                + "oid sha256:4d7a2146b2b8b2b3c2f4e4a1c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5\n"
                                + "size 12345678\n")
                        .getBytes(StandardCharsets.US_ASCII);
        var e = assertBad(pointer, Code.NOT_ONNX);
        assertTrue(e.getMessage().contains("Git LFS pointer"), e.getMessage());
        assertTrue(e.getMessage().contains("git lfs pull"), e.getMessage());
    }

    @Test
    void aZipArchiveIsNotOnnx() throws Exception {
        var zipBytes = new java.io.ByteArrayOutputStream();
        try (var zip = new java.util.zip.ZipOutputStream(zipBytes)) {
            zip.putNextEntry(new java.util.zip.ZipEntry("model.onnx"));
            zip.write(REFERENCE);
            zip.closeEntry();
        }
        var e = assertBad(zipBytes.toByteArray(), Code.NOT_ONNX);
        assertTrue(e.getMessage().startsWith("bad.onnx: is a ZIP archive"), e.getMessage());
    }

    @Test
    void anEmptyFileIsNotOnnx() {
        var e = assertBad(new byte[0], Code.NOT_ONNX);
        assertEquals("bad.onnx: is empty (0 bytes), expected an ONNX model", e.getMessage());
    }

    @Test
    void aTruncatedModelIsInvalidAndSaysItWasCutShort() {
        for (int length :
                new int[] {REFERENCE.length / 4, REFERENCE.length / 2, REFERENCE.length - 1}) {
            var e = assertBad(Arrays.copyOf(REFERENCE, length), Code.INVALID);
            assertTrue(
                    e.getMessage()
                            .startsWith(
                                    "bad.onnx: is cut short: it starts like an ONNX model (IR"
                                            + " version 8) but ends in the middle of a field after "
                                            + length
                                            + " bytes"),
                    e.getMessage());
        }
    }

    @Test
    void aSerializedTensorIsNotAModel() {
        byte[] tensor =
                TensorProto.newBuilder()
                        .addDims(1)
                        .addDims(3)
                        .setDataType(TensorProto.DataType.FLOAT_VALUE)
                        .setName("input_0")
                        .setRawData(ByteString.copyFrom(new byte[12]))
                        .build()
                        .toByteArray();
        var e = assertBad(tensor, Code.NOT_ONNX);
        assertEquals(
                "bad.onnx: is a serialized ONNX tensor (float32 [1, 3] 'input_0'), not a model",
                e.getMessage());
    }

    @Test
    void aGraphWithoutItsModelIsNotAModel() throws Exception {
        byte[] graph = ModelProto.parseFrom(REFERENCE).getGraph().toByteArray();
        var e = assertBad(graph, Code.NOT_ONNX);
        assertTrue(e.getMessage().startsWith("bad.onnx: is not an ONNX model"), e.getMessage());
    }

    @Test
    void aNodeReadingAnUndefinedValueIsInvalid() throws Exception {
        ModelProto.Builder proto = ModelProto.parseFrom(REFERENCE).toBuilder();
        NodeProto.Builder node = proto.getGraphBuilder().getNodeBuilder(3);
        node.setInput(0, "ghost");
        var e = assertBad(proto.build().toByteArray(), Code.INVALID);
        assertEquals(
                "bad.onnx: node '"
                        + node.getName()
                        + "' ("
                        + node.getOpType()
                        + ") reads 'ghost', which no graph input, initializer or node defines",
                e.getMessage());
    }

    @Test
    void anInitializerHoldingFewerValuesThanItsShapeIsInvalid() throws Exception {
        ModelProto.Builder proto = ModelProto.parseFrom(REFERENCE).toBuilder();
        TensorProto.Builder t = proto.getGraphBuilder().getInitializerBuilder(0);
        t.clearDims().addDims(2).clearFloatData().addFloatData(1f);
        var e = assertBad(proto.build().toByteArray(), Code.INVALID);
        assertEquals(
                "bad.onnx: initializer '"
                        + t.getName()
                        + "' declares shape [2] (2 float32 values) but holds 1",
                e.getMessage());
    }

    @Test
    void aModelWithoutIrVersionIsInvalid() throws Exception {
        byte[] model =
                ModelProto.parseFrom(REFERENCE).toBuilder().clearIrVersion().build().toByteArray();
        var e = assertBad(model, Code.INVALID);
        assertTrue(e.getMessage().contains("ir_version is 0"), e.getMessage());
    }

    /** Damaged files of every kind end in a ModelInspectionException, never anything else. */
    @Test
    void corruptedBytesGiveAReportOrAModelInspectionException() throws Exception {
        byte[] small = QdqConv.build();
        Random random = new Random(7);
        int reports = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bytes;
            switch (i % 3) {
                case 0 -> bytes = Arrays.copyOf(small, random.nextInt(small.length));
                case 1 -> {
                    bytes = small.clone();
                    for (int k = 0; k <= random.nextInt(4); k++) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                }
                default -> {
                    bytes = new byte[random.nextInt(64)];
                    random.nextBytes(bytes);
                }
            }
            try {
                ModelReport report = ModelInspector.inspect(bytes, "fuzz.onnx");
                assertFalse(report.summary().isEmpty());
                reports++;
            } catch (ModelInspectionException e) {
                assertTrue(e.getMessage().startsWith("fuzz.onnx: "), e.getMessage());
                assertFalse(
                        e.getMessage().chars().anyMatch(Character::isISOControl), e.getMessage());
            } catch (RuntimeException e) {
                fail("case " + i + ": " + e + " for " + HexFormat.of().formatHex(bytes), e);
            }
        }
        assertTrue(reports > 0, "some byte flips leave a valid model");
    }

    private static ModelInspectionException assertBad(byte[] bytes, Code code) {
        var e =
                assertThrows(
                        ModelInspectionException.class,
                        () -> ModelInspector.inspect(bytes, "bad.onnx"));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals("bad.onnx", e.file());
        assertTrue(e.getMessage().startsWith("bad.onnx: "), e.getMessage());
        return e;
    }

    /** Names, element types and dims as ONNX Runtime reads them (-1 for a symbolic dim). */
    private static void assertSameAsOnnxRuntime(
            List<TensorDescription> ours, Map<String, NodeInfo> ort) {
        assertEquals(
                List.copyOf(ort.keySet()), ours.stream().map(TensorDescription::name).toList());
        for (TensorDescription t : ours) {
            TensorInfo info = (TensorInfo) ort.get(t.name()).getInfo();
            assertEquals(t.elementType(), ortTypeName(info), t.name());
            long[] dims =
                    t.shape().stream()
                            .mapToLong(d -> d.matches("[0-9]+") ? Long.parseLong(d) : -1)
                            .toArray();
            assertArrayEquals(info.getShape(), dims, t.name());
        }
    }

    private static String ortTypeName(TensorInfo info) {
        return switch (info.onnxType) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> "float32";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> "uint8";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> "float16";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> "int64";
            default -> info.onnxType.toString();
        };
    }

    /**
     * A QDQ convolution as ONNX Runtime's quantizer writes one: uint8 activations (Q -> DQ before
     * and after), per-tensor int8 weights and an int32 bias, each through DequantizeLinear.
     */
    static final class QdqConv {
        static final float INPUT_SCALE = 1 / 255f;
        static final float WEIGHT_SCALE = 0.01f;
        static final float OUTPUT_SCALE = 0.05f;
        static final int[] BIAS = {100, -50, 0, 25};
        static final int OUT = 4;
        static final int IN = 3;
        static final int SIZE = 4;

        static byte[] weights() {
            byte[] w = new byte[OUT * IN * 3 * 3];
            for (int i = 0; i < w.length; i++) {
                w[i] = (byte) ((i * 7) % 21 - 10);
            }
            return w;
        }

        static byte[] build() {
            OnnxGraphBuilder g = new OnnxGraphBuilder("qdq_conv");
            String x = g.floatInput("x", 1, IN, SIZE, SIZE);
            String sx = g.scalar(INPUT_SCALE);
            String zx = g.bytes("x_zero", TensorProto.DataType.UINT8, new byte[] {0});
            String dqx = g.op("DequantizeLinear", g.op("QuantizeLinear", x, sx, zx), sx, zx);
            String sw = g.scalar(WEIGHT_SCALE);
            String zw = g.bytes("w_zero", TensorProto.DataType.INT8, new byte[] {0});
            String w = g.bytes("w", TensorProto.DataType.INT8, weights(), OUT, IN, 3, 3);
            String dqw = g.op("DequantizeLinear", w, sw, zw);
            String dqb =
                    g.op(
                            "DequantizeLinear",
                            g.int32s("bias", BIAS, OUT),
                            g.scalar(INPUT_SCALE * WEIGHT_SCALE));
            String conv =
                    g.node(
                            "Conv",
                            new String[] {dqx, dqw, dqb},
                            OnnxGraphBuilder.ints("kernel_shape", 3, 3),
                            OnnxGraphBuilder.ints("pads", 1, 1, 1, 1));
            String sy = g.scalar(OUTPUT_SCALE);
            String zy = g.bytes("y_zero", TensorProto.DataType.UINT8, new byte[] {(byte) 128});
            g.namedNode(
                    "DequantizeLinear",
                    "y",
                    new String[] {g.op("QuantizeLinear", conv, sy, zy), sy, zy});
            g.floatOutput("y", 1, OUT, SIZE, SIZE);
            return g.build(8, 17, "test", "1").toByteArray();
        }

        /** Inputs that uint8 with scale 1/255 represents exactly. */
        static float[] input() {
            float[] x = new float[IN * SIZE * SIZE];
            for (int i = 0; i < x.length; i++) {
                x[i] = ((i * 53) % 256) / 255f;
            }
            return x;
        }

        /** The float convolution the QDQ graph approximates (before output quantization). */
        static float[] referenceOutput(float[] x) {
            byte[] w = weights();
            float[] y = new float[OUT * SIZE * SIZE];
            for (int o = 0; o < OUT; o++) {
                for (int r = 0; r < SIZE; r++) {
                    for (int c = 0; c < SIZE; c++) {
                        double sum = BIAS[o] * (double) INPUT_SCALE * WEIGHT_SCALE;
                        for (int i = 0; i < IN; i++) {
                            for (int kr = 0; kr < 3; kr++) {
                                for (int kc = 0; kc < 3; kc++) {
                                    int rr = r + kr - 1;
                                    int cc = c + kc - 1;
                                    if (rr >= 0 && rr < SIZE && cc >= 0 && cc < SIZE) {
                                        sum +=
                                                x[(i * SIZE + rr) * SIZE + cc]
                                                        * w[((o * IN + i) * 3 + kr) * 3 + kc]
                                                        * (double) WEIGHT_SCALE;
                                    }
                                }
                            }
                        }
                        y[(o * SIZE + r) * SIZE + c] = (float) sum;
                    }
                }
            }
            return y;
        }
    }
}
