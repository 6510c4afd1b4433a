package dev.edgetwin.bridge;

import java.math.BigDecimal;

/**
 * One integer or fixed-point wire field: {@code value = raw / scale} with {@code raw} in {@code
 * [rawMin, rawMax]}. Values are rounded to the nearest step ({@link Math#round}); the rounded value
 * must lie in the range, or the field is rejected with its name, the value and the range.
 */
record Field(String name, String unit, long scale, long rawMin, long rawMax) {

    static Field integer(String name, long min, long max) {
        return new Field(name, "", 1, min, max);
    }

    /** The raw wire integer for {@code value}; throws naming the field if it does not fit. */
    long toRaw(double value) {
        if (Double.isFinite(value)) {
            long raw = Math.round(value * scale);
            if (raw >= rawMin && raw <= rawMax) {
                return raw;
            }
        }
        throw new IllegalArgumentException(
                name
                        + " = "
                        + value
                        + unitSuffix()
                        + " is outside "
                        + range()
                        + " (wire steps of "
                        + plain(1)
                        + unitSuffix()
                        + ")");
    }

    /** {@code value} rounded to the wire resolution, as it will decode on the other side. */
    double quantize(double value) {
        return fromRaw(toRaw(value));
    }

    double fromRaw(long raw) {
        return raw / (double) scale;
    }

    /** Checks an integer field (scale 1) and returns it. */
    long check(long value) {
        assert scale == 1 : name + " is fixed-point: use toRaw";
        if (value < rawMin || value > rawMax) {
            throw new IllegalArgumentException(name + " = " + value + " is outside " + range());
        }
        return value;
    }

    String range() {
        return "[" + plain(rawMin) + ", " + plain(rawMax) + "]" + unitSuffix();
    }

    private String unitSuffix() {
        return unit.isEmpty() ? "" : " " + unit;
    }

    private String plain(long raw) {
        return BigDecimal.valueOf(raw)
                .divide(BigDecimal.valueOf(scale))
                .stripTrailingZeros()
                .toPlainString();
    }
}
