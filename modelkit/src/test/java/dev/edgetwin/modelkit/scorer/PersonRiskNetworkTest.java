package dev.edgetwin.modelkit.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.edgetwin.modelkit.scorer.Scene.Person;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The exported graph computes what the Java network computes, for any weights. */
class PersonRiskNetworkTest {
    /** float32 graph vs double-precision Java on risks in [0, 1]. */
    private static final double TOLERANCE = 2e-5;

    @Test
    void onnxGraphMatchesTheJavaForwardPass() throws Exception {
        PersonRiskNetwork network = randomNetwork(12, 3);
        List<Scene> scenes = new ArrayList<>(new SceneSampler(9).next(300));
        // Edge cases: standing people (no walking direction), a person exactly where the robot
        // will be, far away, and empty slots.
        scenes.add(Scene.standingRobot(List.of(new Person(1, 1, 0, 0))));
        scenes.add(Scene.straightRobot(1.0, List.of(new Person(1.0, 0, 0, 0))));
        scenes.add(
                Scene.straightRobot(
                        1.0, List.of(new Person(60, -40, 2, 0), new Person(-3, 0, 0, 1e-4))));
        scenes.add(Scene.standingRobot(List.of()));
        float[] rows = Scene.rows(scenes);

        float[] java = network.score(rows, scenes.size());
        float[] ort;
        try (OrtScorer model = new OrtScorer(network.toOnnx(Map.of()))) {
            ort = model.score(rows, scenes.size());
        }
        double spread = 0;
        for (int k = 0; k < scenes.size(); k++) {
            assertEquals(java[k], ort[k], TOLERANCE, "candidate " + k + " " + scenes.get(k));
            spread = Math.max(spread, Math.abs(java[k] - java[0]));
        }
        assertTrue(spread > 0.1, "random weights should give varied risks, spread " + spread);
        assertEquals(0f, ort[scenes.size() - 1], "no people, no risk");
    }

    @Test
    void declaresASymbolicBatchDimension() throws Exception {
        ModelProto model = ModelProto.parseFrom(randomNetwork(4, 1).toOnnx(Map.of("k", "v")));
        ValueInfoProto input = model.getGraph().getInput(0);
        ValueInfoProto output = model.getGraph().getOutput(0);
        assertEquals(ScorerContract.INPUT_NAME, input.getName());
        assertEquals(ScorerContract.OUTPUT_NAME, output.getName());
        assertEquals(List.of("K", "20", "24"), dims(input));
        assertEquals(List.of("K"), dims(output));
        assertEquals("k", model.getMetadataProps(0).getKey());
    }

    private static List<String> dims(ValueInfoProto v) {
        List<String> out = new ArrayList<>();
        for (TensorShapeProto.Dimension d : v.getType().getTensorType().getShape().getDimList()) {
            out.add(d.hasDimParam() ? d.getDimParam() : Long.toString(d.getDimValue()));
        }
        return out;
    }

    static PersonRiskNetwork randomNetwork(int hidden, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int in = PersonFeatures.COUNT;
        return new PersonRiskNetwork(
                hidden,
                random(r, in * hidden, 0.3),
                random(r, hidden, 0.3),
                random(r, hidden * hidden, 0.5),
                random(r, hidden, 0.3),
                random(r, hidden, 0.8),
                -0.5f);
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (scale * (2 * r.nextDouble() - 1));
        }
        return a;
    }
}
