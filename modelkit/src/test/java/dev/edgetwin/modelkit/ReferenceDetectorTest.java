package dev.edgetwin.modelkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.TensorInfo;
import dev.edgetwin.sim.ObjectClass;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The model's outside: bytes, ONNX version, tensors and metadata (the contract). */
class ReferenceDetectorTest {
    /** Standard ONNX operators a plain convolutional detector may use; no custom domains. */
    private static final Set<String> STANDARD_OPS =
            Set.of(
                    "Abs",
                    "Add",
                    "AveragePool",
                    "Cast",
                    "Clip",
                    "Concat",
                    "Conv",
                    "Div",
                    "Equal",
                    "Gather",
                    "Gemm",
                    "Greater",
                    "MatMul",
                    "Max",
                    "MaxPool",
                    "Min",
                    "Mul",
                    "Pad",
                    "ReduceMax",
                    "ReduceMin",
                    "ReduceSum",
                    "Relu",
                    "Reshape",
                    "Slice",
                    "Sub");

    @Test
    void buildsTheSameBytesEveryTime() {
        byte[] first = ReferenceDetector.build();
        assertArrayEquals(first, ReferenceDetector.build());
    }

    @Test
    void isAnOpset17Ir8GraphOfStandardOperators() throws Exception {
        ModelProto model = ModelProto.parseFrom(ReferenceDetector.build());
        assertEquals(8, model.getIrVersion());
        assertEquals(1, model.getOpsetImportCount());
        assertEquals("", model.getOpsetImport(0).getDomain());
        assertEquals(17, model.getOpsetImport(0).getVersion());
        assertEquals("edgetwin-modelkit", model.getProducerName());
        for (NodeProto node : model.getGraph().getNodeList()) {
            assertEquals("", node.getDomain(), node.getName());
            assertTrue(STANDARD_OPS.contains(node.getOpType()), node.getOpType());
        }
    }

    @Test
    void loadsInOnnxRuntimeWithTheContractsInputAndOutput() throws Exception {
        try (OrtModel model = new OrtModel(ReferenceDetector.build())) {
            Map<String, NodeInfo> inputs = model.session().getInputInfo();
            Map<String, NodeInfo> outputs = model.session().getOutputInfo();
            assertEquals(Set.of("images"), inputs.keySet());
            assertEquals(Set.of("output0"), outputs.keySet());
            TensorInfo in = (TensorInfo) inputs.get("images").getInfo();
            TensorInfo out = (TensorInfo) outputs.get("output0").getInfo();
            assertEquals(OnnxJavaType.FLOAT, in.type);
            assertEquals(OnnxJavaType.FLOAT, out.type);
            assertArrayEquals(new long[] {1, 3, 320, 320}, in.getShape());
            assertArrayEquals(new long[] {1, 7, 1600}, out.getShape());
        }
    }

    @Test
    void carriesUltralyticsMetadataAndProvenance() throws Exception {
        String version = ModelKitVersion.VERSION;
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("names", "{0: 'robot', 1: 'person', 2: 'box'}");
        expected.put("imgsz", "[320, 320]");
        expected.put("stride", "8");
        expected.put("task", "detect");
        expected.put("batch", "1");
        expected.put("author", "edgetwin");
        expected.put("version", version);
        expected.put("edgetwin.generator", "dev.edgetwin.modelkit.ReferenceDetector " + version);
        expected.put("edgetwin.seed", "0");
        expected.put(
                "edgetwin.trained_on", "not trained: weights derived from the simulator palette");
        try (OrtModel model = new OrtModel(ReferenceDetector.build())) {
            OnnxModelMetadata metadata = model.session().getMetadata();
            Map<String, String> custom = metadata.getCustomMetadata();
            expected.forEach((k, v) -> assertEquals(v, custom.get(k), k));
            assertFalse(custom.getOrDefault("description", "").isBlank());
            assertFalse(custom.getOrDefault("edgetwin.method", "").isBlank());
            assertFalse(version.isBlank());
            assertEquals("edgetwin-modelkit", metadata.getProducerName());
        }
    }

    @Test
    void classNamesFollowTheSimulatorsClassIds() {
        List<String> byId =
                Arrays.stream(ObjectClass.values())
                        .sorted((a, b) -> Integer.compare(a.id(), b.id()))
                        .map(ObjectClass::label)
                        .toList();
        assertEquals(byId, DetectorContract.CLASS_NAMES);
        for (int i = 0; i < byId.size(); i++) {
            assertEquals(i, ObjectClass.values()[i].id(), "class ids must be 0..n-1");
        }
        assertEquals(DetectorContract.ANCHORS, 40 * 40);
    }

    @Test
    void anEmptyFloorGivesAllZeroOutput() throws Exception {
        float[] grey = new float[3 * 320 * 320];
        Arrays.fill(grey, 128 / 255f);
        try (OrtModel model = new OrtModel(ReferenceDetector.build())) {
            float[] out = model.run(grey);
            for (int i = 0; i < out.length; i++) {
                if (out[i] != 0) {
                    throw new AssertionError("output0[" + i + "] = " + out[i] + ", expected 0");
                }
            }
        }
    }
}
