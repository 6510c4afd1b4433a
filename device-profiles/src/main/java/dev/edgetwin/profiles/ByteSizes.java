package dev.edgetwin.profiles;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as written in profiles: a plain number of bytes or a number with a binary unit
 * ({@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}). Decimal units ({@code GB}) are refused
 * rather than guessed: "2GB" means 2,000,000,000 to a disk vendor and 2 GiB to most people, and a
 * memory budget off by 7% is a bug on a 4 GB board.
 */
final class ByteSizes {
    private static final Pattern SIZE =
            Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(b|kib|mib|gib|tib)?", Pattern.CASE_INSENSITIVE);
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSizes() {}

    /**
     * @throws IllegalArgumentException with the bad value quoted, for the caller to prefix the
     *     field name
     */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a size (bytes, or a number with KiB, MiB, GiB or TiB)");
        }
        String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
        int shift =
                switch (unit) {
                    case "kib" -> 10;
                    case "mib" -> 20;
                    case "gib" -> 30;
                    case "tib" -> 40;
                    default -> 0;
                };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << shift));
        try {
            return bytes.longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a whole number of bytes or is too large");
        }
    }

    /** The shortest exact spelling: {@code 1536MiB}, {@code 2GiB}, {@code 1000}. */
    static String format(long bytes) {
        if (bytes == 0) {
            return "0";
        }
        for (int i = UNITS.length - 1; i >= 0; i--) {
            long unit = 1L << (10 * (i + 1));
            if (bytes % unit == 0) {
                return (bytes / unit) + UNITS[i];
            }
        }
        return Long.toString(bytes);
    }
}
