package dev.edgetwin.sim;

/**
 * A separable Gaussian blur of an interleaved RGB float image, edges replicated. The kernel is cut
 * at 3 sigma and normalised to sum 1, so flat areas keep their value exactly up to rounding.
 */
final class GaussianBlur {
    private GaussianBlur() {}

    /**
     * Blurs {@code in} into {@code out} (both {@code 3 * width * height}); {@code in} is reused.
     */
    static void apply(float[] in, float[] out, int width, int height, double sigma) {
        float[] kernel = kernel(sigma);
        int radius = kernel.length / 2;
        // Rows: in -> out; columns: out -> in; then copy back into out.
        for (int v = 0; v < height; v++) {
            int row = v * width;
            for (int u = 0; u < width; u++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = -radius; k <= radius; k++) {
                    int x = Math.min(width - 1, Math.max(0, u + k));
                    float w = kernel[k + radius];
                    int q = 3 * (row + x);
                    r += w * in[q];
                    g += w * in[q + 1];
                    b += w * in[q + 2];
                }
                int p = 3 * (row + u);
                out[p] = r;
                out[p + 1] = g;
                out[p + 2] = b;
            }
        }
        for (int v = 0; v < height; v++) {
            for (int u = 0; u < width; u++) {
                float r = 0;
                float g = 0;
                float b = 0;
                for (int k = -radius; k <= radius; k++) {
                    int y = Math.min(height - 1, Math.max(0, v + k));
                    float w = kernel[k + radius];
                    int q = 3 * (y * width + u);
                    r += w * out[q];
                    g += w * out[q + 1];
                    b += w * out[q + 2];
                }
                int p = 3 * (v * width + u);
                in[p] = r;
                in[p + 1] = g;
                in[p + 2] = b;
            }
        }
        System.arraycopy(in, 0, out, 0, in.length);
    }

    static float[] kernel(double sigma) {
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("blur sigma must be positive, got " + sigma);
        }
        int radius = Math.max(1, (int) Math.ceil(3 * sigma));
        double[] w = new double[2 * radius + 1];
        double sum = 0;
        for (int k = -radius; k <= radius; k++) {
            w[k + radius] = StrictMath.exp(-0.5 * k * k / (sigma * sigma));
            sum += w[k + radius];
        }
        float[] kernel = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            kernel[i] = (float) (w[i] / sum);
        }
        return kernel;
    }
}
