package dev.edgetwin.modelkit.quantize;

import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What to quantize and how to calibrate it. Validated when built; {@link #defaults()} is MinMax
 * calibration with the decode head kept float.
 *
 * @param method how activation ranges are chosen from the calibration values
 * @param percentile for {@link CalibrationMethod#PERCENTILE}: the share of values kept inside the
 *     range at each end, in (50, 100]; unused by the other methods
 * @param format int8 or uint8 activations
 * @param excludeNodes node names kept float; each must name a node of the model
 * @param excludeOpTypes operator types kept float (e.g. {@code Sigmoid}); each must occur in the
 *     model
 * @param keepHeadFloat keep the decode head float: every node from which a graph output is reached
 *     without passing through a Conv, Gemm or MatMul
 */
public record QuantizationOptions(
        CalibrationMethod method,
        double percentile,
        QdqFormat format,
        Set<String> excludeNodes,
        Set<String> excludeOpTypes,
        boolean keepHeadFloat) {

    /** The percentile used unless one is given, as in ONNX Runtime's quantization tools. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    public QuantizationOptions {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(format, "format");
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException(
                    "percentile must be in (50, 100], got " + percentile);
        }
        // Sorted: the excluded nodes are written into the model, whose bytes must not depend on
        // the order the options were given in.
        excludeNodes =
                Collections.unmodifiableSortedSet(
                        new TreeSet<>(Objects.requireNonNull(excludeNodes, "excludeNodes")));
        excludeOpTypes =
                Collections.unmodifiableSortedSet(
                        new TreeSet<>(Objects.requireNonNull(excludeOpTypes, "excludeOpTypes")));
        for (String n : excludeNodes) {
            if (n.isBlank()) {
                throw new IllegalArgumentException("an excluded node name is empty");
            }
        }
        for (String t : excludeOpTypes) {
            if (t.isBlank()) {
                throw new IllegalArgumentException("an excluded operator type is empty");
            }
        }
    }

    /** S8S8, MinMax, head kept float, nothing else excluded. */
    public static QuantizationOptions defaults() {
        return new QuantizationOptions(
                CalibrationMethod.MINMAX,
                DEFAULT_PERCENTILE,
                QdqFormat.S8S8,
                Set.of(),
                Set.of(),
                true);
    }

    public QuantizationOptions withMethod(CalibrationMethod m) {
        return new QuantizationOptions(
                m, percentile, format, excludeNodes, excludeOpTypes, keepHeadFloat);
    }

    public QuantizationOptions withPercentile(double p) {
        return new QuantizationOptions(
                method, p, format, excludeNodes, excludeOpTypes, keepHeadFloat);
    }

    public QuantizationOptions withFormat(QdqFormat f) {
        return new QuantizationOptions(
                method, percentile, f, excludeNodes, excludeOpTypes, keepHeadFloat);
    }

    public QuantizationOptions withExcludedNodes(Set<String> names) {
        return new QuantizationOptions(
                method, percentile, format, names, excludeOpTypes, keepHeadFloat);
    }

    public QuantizationOptions withExcludedOpTypes(Set<String> opTypes) {
        return new QuantizationOptions(
                method, percentile, format, excludeNodes, opTypes, keepHeadFloat);
    }

    public QuantizationOptions withHeadFloat(boolean keep) {
        return new QuantizationOptions(
                method, percentile, format, excludeNodes, excludeOpTypes, keep);
    }

    /**
     * As recorded in {@code edgetwin.calibration.method}: {@code minmax}, {@code percentile 99.99}.
     */
    public String methodDescription() {
        if (method == CalibrationMethod.PERCENTILE) {
            return "percentile " + formatPercentile(percentile);
        }
        return method.id();
    }

    private static String formatPercentile(double p) {
        // The shortest decimal that reads back as p, without a trailing ".0" for integers.
        return java.math.BigDecimal.valueOf(p).stripTrailingZeros().toPlainString();
    }
}
