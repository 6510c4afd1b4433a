package dev.edgetwin.modelkit.quantize;

/**
 * A scale and zero point: {@code x ~ (q - zeroPoint) * scale}, {@code q} in [-128, 127] (int8) or
 * [0, 255] (uint8).
 *
 * @param scale positive
 * @param zeroPoint within the type's range
 * @param unsigned uint8 rather than int8
 */
record QuantParams(float scale, int zeroPoint, boolean unsigned) {

    /**
     * Asymmetric parameters for an activation whose calibrated values span {@code [low, high]}. The
     * range is widened to hold 0, so that 0 (padding, ReLU's floor) is exact; a non-negative tensor
     * gets the lowest zero point and all 256 levels above 0.
     */
    static QuantParams activation(double low, double high, QdqFormat format) {
        boolean unsigned = format == QdqFormat.U8S8;
        int qmin = unsigned ? 0 : -128;
        int qmax = qmin + 255;
        double rmin = Math.min(0, low);
        double rmax = Math.max(0, high);
        if (!(rmax > rmin)) {
            return new QuantParams(1f, qmin, unsigned);
        }
        float scale = Math.max((float) ((rmax - rmin) / 255), Float.MIN_NORMAL);
        double zp = Math.rint(qmin - rmin / scale);
        return new QuantParams(scale, (int) Math.max(qmin, Math.min(qmax, zp)), unsigned);
    }
}
