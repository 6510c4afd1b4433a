package dev.edgetwin.modelkit.quantize;

/**
 * Symmetric int8 weights (zero point 0, values in [-127, 127] so that negating a weight never
 * saturates) and int32 biases, as ONNX Runtime's QLinearConv and QGemm kernels take them.
 */
final class WeightQuantizer {
    private WeightQuantizer() {}

    /** Weights as int8 with one scale per slice along {@code axis} (one scale if axis is -1). */
    record Int8Weights(byte[] values, float[] scales) {}

    static Int8Weights quantize(float[] weights, long[] shape, int axis) {
        int channels = axis < 0 ? 1 : (int) shape[axis];
        long inner = 1;
        for (int d = axis + 1; axis >= 0 && d < shape.length; d++) {
            inner *= shape[d];
        }
        float[] absMax = new float[channels];
        for (int i = 0; i < weights.length; i++) {
            int c = channelOf(i, inner, channels, axis);
            absMax[c] = Math.max(absMax[c], Math.abs(weights[i]));
        }
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            // An all-zero channel quantizes to zeros whatever its scale; 1 keeps the bias scale
            // sane.
            scales[c] = absMax[c] > 0 ? Math.max(absMax[c] / 127f, Float.MIN_NORMAL) : 1f;
        }
        byte[] q = new byte[weights.length];
        for (int i = 0; i < weights.length; i++) {
            double v = Math.rint(weights[i] / (double) scales[channelOf(i, inner, channels, axis)]);
            q[i] = (byte) Math.max(-127, Math.min(127, v));
        }
        return new Int8Weights(q, scales);
    }

    /**
     * The bias scales {@code inputScale * weightScale[c]} (in float, as the kernels compute them)
     * and the bias rounded to them, saturated to int32.
     */
    static int[] quantizeBias(float[] bias, float inputScale, float[] weightScales, float[] out) {
        int[] q = new int[bias.length];
        for (int c = 0; c < bias.length; c++) {
            float s = inputScale * weightScales[weightScales.length == 1 ? 0 : c];
            out[c] = s;
            double v = s > 0 ? Math.rint(bias[c] / (double) s) : 0;
            q[c] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
        }
        return q;
    }

    private static int channelOf(int index, long inner, int channels, int axis) {
        return axis < 0 ? 0 : (int) ((index / inner) % channels);
    }
}
