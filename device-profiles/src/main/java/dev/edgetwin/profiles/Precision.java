package dev.edgetwin.profiles;

import java.util.Locale;

/** The numeric precision a model is built and run at. */
public enum Precision {
    INT8("int8"),
    FP16("fp16"),
    FP32("fp32");

    private final String id;

    Precision(String id) {
        this.id = id;
    }

    /** The name used in profile files and overrides: {@code int8}, {@code fp16}, {@code fp32}. */
    public String id() {
        return id;
    }

    /**
     * The precision named {@code text} (its {@link #id()}, any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static Precision parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (Precision precision : values()) {
            if (precision.id.equals(wanted)) {
                return precision;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not one of " + Ids.joined(values(), Precision::id));
    }
}
