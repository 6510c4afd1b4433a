package dev.edgetwin.modelkit.training;

import static dev.edgetwin.modelkit.training.DetectorLayout.CLASSES;
import static dev.edgetwin.modelkit.training.DetectorLayout.DESCRIPTOR;
import static dev.edgetwin.modelkit.training.DetectorLayout.HYPOTHESES;
import static dev.edgetwin.modelkit.training.DetectorLayout.RANDOM_FEATURES;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM1;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM2;
import static dev.edgetwin.modelkit.training.DetectorLayout.STEM_IN;

/**
 * Every number of a trained detector, row-major as the ONNX Conv weights take them ({@code [out,
 * in]}). The stem and random-feature layers are drawn from the seed; the pixel head and the score
 * heads are fitted. The score heads already include the output scaling: score = sigmoid(row .
 * [descriptor, random features] + bias).
 */
record DetectorWeights(
        float[] stem1,
        float[] stem1Bias,
        float[] stem2,
        float[] stem2Bias,
        float[] pixelHead,
        float[] pixelBias,
        float[] random,
        float[] randomBias,
        float[] score,
        float[] scoreBias) {

    DetectorWeights {
        check("stem1", stem1, STEM1 * STEM_IN);
        check("stem1Bias", stem1Bias, STEM1);
        check("stem2", stem2, STEM2 * STEM1);
        check("stem2Bias", stem2Bias, STEM2);
        check("pixelHead", pixelHead, CLASSES * (STEM1 + STEM2));
        check("pixelBias", pixelBias, CLASSES);
        check("random", random, RANDOM_FEATURES * DESCRIPTOR);
        check("randomBias", randomBias, RANDOM_FEATURES);
        check("score", score, HYPOTHESES * CLASSES * (DESCRIPTOR + RANDOM_FEATURES));
        check("scoreBias", scoreBias, HYPOTHESES * CLASSES);
    }

    private static void check(String name, float[] values, int length) {
        if (values == null || values.length != length) {
            throw new IllegalArgumentException(
                    name
                            + " must hold "
                            + length
                            + " values, got "
                            + (values == null ? "null" : values.length));
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException(name + " holds a non-finite value " + v);
            }
        }
    }

    @Override
    public String toString() {
        return "DetectorWeights["
                + (stem1.length
                        + stem2.length
                        + pixelHead.length
                        + random.length
                        + score.length
                        + stem1Bias.length
                        + stem2Bias.length
                        + pixelBias.length
                        + randomBias.length
                        + scoreBias.length)
                + " parameters]";
    }
}
