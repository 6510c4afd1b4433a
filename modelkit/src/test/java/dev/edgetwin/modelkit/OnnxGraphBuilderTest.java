package dev.edgetwin.modelkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnnxGraphBuilderTest {

    /** y = relu(x * w + b) over a [1, 2] input: small enough to check by hand. */
    private static byte[] tinyModel() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny");
        String x = g.floatInput("x", 1, 2);
        String scaled = g.op("Mul", x, g.floats("w", new float[] {2, -3}, 1, 2));
        String shifted = g.op("Add", scaled, g.scalar(1));
        g.namedNode("Relu", "y", new String[] {shifted});
        g.floatOutput("y", 1, 2);
        g.metadata("author", "edgetwin");
        return g.build(8, 17, "test", "1").toByteArray();
    }

    @Test
    void sameCallsGiveSameBytes() {
        assertArrayEquals(tinyModel(), tinyModel());
    }

    @Test
    void buildsAModelOnnxRuntimeRuns() throws Exception {
        byte[] bytes = tinyModel();
        ModelProto proto = ModelProto.parseFrom(bytes);
        assertEquals(8, proto.getIrVersion());
        assertEquals(17, proto.getOpsetImport(0).getVersion());
        assertEquals("author", proto.getMetadataProps(0).getKey());

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{1.5f, 0.5f}});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] y = (float[][]) result.get("y").orElseThrow().getValue();
            // relu(1.5 * 2 + 1) = 4, relu(0.5 * -3 + 1) = 0
            assertArrayEquals(new float[] {4, 0}, y[0]);
            assertEquals("edgetwin", session.getMetadata().getCustomMetadata().get("author"));
        }
    }

    @Test
    void rejectsMistakesWhenTheGraphIsBuiltNotWhenItIsLoaded() {
        OnnxGraphBuilder g = new OnnxGraphBuilder("bad");
        String x = g.floatInput("x", 1);
        var undefined = assertThrows(IllegalArgumentException.class, () -> g.op("Relu", "nothing"));
        assertTrue(undefined.getMessage().contains("'nothing'"), undefined.getMessage());
        var size =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> g.floats("w", new float[] {1, 2, 3}, 2, 2));
        assertTrue(size.getMessage().contains("holds 4 values, got 3"), size.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> g.namedNode("Relu", x, new String[] {x}));
        assertThrows(IllegalArgumentException.class, () -> g.floatOutput("missing", 1));
        g.metadata("k", "v");
        assertThrows(IllegalArgumentException.class, () -> g.metadata("k", "w"));
    }
}
