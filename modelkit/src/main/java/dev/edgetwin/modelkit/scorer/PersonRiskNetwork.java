package dev.edgetwin.modelkit.scorer;

import static dev.edgetwin.modelkit.OnnxGraphBuilder.integer;
import static dev.edgetwin.modelkit.OnnxGraphBuilder.ints;
import static dev.edgetwin.modelkit.scorer.ScorerContract.BATCH_DIM;
import static dev.edgetwin.modelkit.scorer.ScorerContract.FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PEOPLE;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_DX;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_DY;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_VX;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PERSON_VY;
import static dev.edgetwin.modelkit.scorer.ScorerContract.PRESENT;
import static dev.edgetwin.modelkit.scorer.ScorerContract.ROBOT_FEATURES;
import static dev.edgetwin.modelkit.scorer.ScorerContract.STEPS;

import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgetwin.modelkit.ModelKitVersion;
import dev.edgetwin.modelkit.OnnxGraphBuilder;
import java.util.Map;

/**
 * The exported scorer: one small MLP shared by the person slots ({@link PersonFeatures#COUNT} ->
 * hidden -> hidden -> 1, ReLU, sigmoid) gives each present person's collision probability p_i; the
 * candidate's risk is 1 - prod(1 - p_i), the chance of hitting anyone when people move
 * independently (as they do in the label simulation). Feature standardisation is folded into the
 * first layer. {@link #score} runs the same arithmetic in Java (double precision) as the ONNX graph
 * does in float32.
 */
final class PersonRiskNetwork implements ScorerEvaluation.Scorer {
    private final int hidden;
    private final float[] w1; // [COUNT][hidden]
    private final float[] b1;
    private final float[] w2; // [hidden][hidden]
    private final float[] b2;
    private final float[] w3; // [hidden]
    private final float b3;

    PersonRiskNetwork(
            int hidden, float[] w1, float[] b1, float[] w2, float[] b2, float[] w3, float b3) {
        if (w1.length != PersonFeatures.COUNT * hidden
                || b1.length != hidden
                || w2.length != hidden * hidden
                || b2.length != hidden
                || w3.length != hidden) {
            throw new IllegalArgumentException("weights do not fit " + hidden + " hidden units");
        }
        this.hidden = hidden;
        this.w1 = w1.clone();
        this.b1 = b1.clone();
        this.w2 = w2.clone();
        this.b2 = b2.clone();
        this.w3 = w3.clone();
        this.b3 = b3;
    }

    /** The probability of a collision with one person, from their features. */
    double personRisk(double[] features) {
        double[] a1 = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            a1[j] = b1[j];
        }
        for (int i = 0; i < PersonFeatures.COUNT; i++) {
            double f = features[i];
            int row = i * hidden;
            for (int j = 0; j < hidden; j++) {
                a1[j] += f * w1[row + j];
            }
        }
        double[] a2 = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            a2[j] = b2[j];
        }
        for (int i = 0; i < hidden; i++) {
            double a = Math.max(0, a1[i]);
            int row = i * hidden;
            for (int j = 0; j < hidden; j++) {
                a2[j] += a * w2[row + j];
            }
        }
        double z = b3;
        for (int j = 0; j < hidden; j++) {
            z += Math.max(0, a2[j]) * w3[j];
        }
        return sigmoid(z);
    }

    @Override
    public float[] score(float[] trajectories, int candidates) {
        float[] risk = new float[candidates];
        double[] features = new double[PersonFeatures.COUNT];
        for (int k = 0; k < candidates; k++) {
            int offset = k * STEPS * FEATURES;
            double free = 1;
            for (int slot = 0; slot < PEOPLE; slot++) {
                double present = PersonFeatures.compute(trajectories, offset, slot, features);
                if (present != 0) {
                    free *= 1 - present * personRisk(features);
                }
            }
            risk[k] = (float) (1 - free);
        }
        return risk;
    }

    static double sigmoid(double z) {
        return 1 / (1 + StrictMath.exp(-z));
    }

    /**
     * The ONNX model: input and output as {@link ScorerContract} says, opset {@value
     * ScorerContract#OPSET}, default-domain operators only; {@code metadata} in its order.
     */
    byte[] toOnnx(Map<String, String> metadata) {
        OnnxGraphBuilder g = new OnnxGraphBuilder("edgetwin_trajectory_scorer");
        String x =
                g.input(
                        ScorerContract.INPUT_NAME,
                        TensorProto.DataType.FLOAT,
                        BATCH_DIM,
                        Integer.toString(STEPS),
                        Integer.toString(FEATURES));
        // [K, T, F] -> person columns [K, T, N, 5] -> [K, N, 5, T]: one row of T values per
        // person quantity.
        String people = g.slice(x, 2, ROBOT_FEATURES, FEATURES);
        String split = g.reshape(people, 0, STEPS, PEOPLE, PERSON_FEATURES);
        String perPerson = g.node("Transpose", new String[] {split}, ints("perm", 0, 2, 3, 1));
        String dx = quantity(g, perPerson, PERSON_DX);
        String dy = quantity(g, perPerson, PERSON_DY);
        String present = g.reshape(firstStep(g, perPerson, PRESENT), 0, PEOPLE); // [K, N]
        String vx = firstStep(g, perPerson, PERSON_VX); // [K, N, 1]
        String vy = firstStep(g, perPerson, PERSON_VY);

        String speed = g.op("Sqrt", g.op("Add", g.op("Mul", vx, vx), g.op("Mul", vy, vy)));
        String divisor = g.op("Max", speed, g.scalar(PersonFeatures.MIN_SPEED));
        String ux = g.op("Div", vx, divisor);
        String uy = g.op("Div", vy, divisor);
        String distance = g.op("Sqrt", g.op("Add", g.op("Mul", dx, dx), g.op("Mul", dy, dy)));
        String along = g.op("Add", g.op("Mul", dx, ux), g.op("Mul", dy, uy));
        String across = g.op("Abs", g.op("Sub", g.op("Mul", dx, uy), g.op("Mul", dy, ux)));
        String closest =
                g.node(
                        "ReduceMin",
                        new String[] {distance},
                        ints("axes", 2),
                        integer("keepdims", 1));
        String features = g.concat(2, distance, along, across, closest, speed); // [K, N, COUNT]

        long h = hidden;
        String h1 = g.op("Relu", dense(g, features, w1, b1, PersonFeatures.COUNT, h));
        String h2 = g.op("Relu", dense(g, h1, w2, b2, h, h));
        String logit = dense(g, h2, w3, new float[] {b3}, h, 1); // [K, N, 1]
        String personRisk = g.op("Mul", g.op("Sigmoid", g.reshape(logit, 0, PEOPLE)), present);
        String one = g.scalar(1);
        String free =
                g.node(
                        "ReduceProd",
                        new String[] {g.op("Sub", one, personRisk)},
                        ints("axes", 1),
                        integer("keepdims", 0));
        g.namedNode("Sub", ScorerContract.OUTPUT_NAME, new String[] {one, free});
        g.output(ScorerContract.OUTPUT_NAME, TensorProto.DataType.FLOAT, BATCH_DIM);

        metadata.forEach(g::metadata);
        return g.build(
                        ScorerContract.IR_VERSION,
                        ScorerContract.OPSET,
                        "edgetwin-modelkit",
                        ModelKitVersion.VERSION)
                .toByteArray();
    }

    /** Quantity {@code which} of every person at every step: [K, N, T]. */
    private static String quantity(OnnxGraphBuilder g, String perPerson, int which) {
        return g.reshape(g.slice(perPerson, 2, which, which + 1), 0, PEOPLE, STEPS);
    }

    /** Quantity {@code which} of every person at the first step: [K, N, 1]. */
    private static String firstStep(OnnxGraphBuilder g, String perPerson, int which) {
        String one = g.slice(g.slice(perPerson, 2, which, which + 1), 3, 0, 1);
        return g.reshape(one, 0, PEOPLE, 1);
    }

    private static String dense(
            OnnxGraphBuilder g, String x, float[] w, float[] b, long in, long out) {
        return g.op(
                "Add", g.op("MatMul", x, g.floats("weight", w, in, out)), g.floats("bias", b, out));
    }

    @Override
    public String toString() {
        return "PersonRiskNetwork["
                + PersonFeatures.COUNT
                + " -> "
                + hidden
                + " -> "
                + hidden
                + " -> 1]";
    }
}
