package dev.edgetwin.modelkit.quantize;

import java.util.Locale;

/** How an activation's calibrated values become its int8 range. */
public enum CalibrationMethod {
    /** The smallest and largest value seen: nothing clips, outliers cost resolution. */
    MINMAX,
    /**
     * Clips both tails: the range runs from the {@code (100 - p)}th to the {@code p}th percentile
     * of the values seen, so rare outliers no longer stretch the scale.
     */
    PERCENTILE,
    /**
     * The clipping threshold on {@code |x|} whose int8 rendering loses the least information: the
     * minimum Kullback-Leibler divergence between the value histogram and its quantized copy (the
     * TensorRT calibration algorithm).
     */
    ENTROPY;

    /** The lower-case name used on the command line and in metadata. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code minmax}, {@code percentile} or {@code entropy} (any case).
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static CalibrationMethod parse(String id) {
        for (CalibrationMethod m : values()) {
            if (m.id().equalsIgnoreCase(id.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException(
                "calibration method '" + id + "' is not one of minmax, percentile, entropy");
    }
}
