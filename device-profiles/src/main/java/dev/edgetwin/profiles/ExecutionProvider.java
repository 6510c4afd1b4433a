package dev.edgetwin.profiles;

import java.util.Locale;

/** An ONNX Runtime execution provider a profile may ask for, fastest first in declaration order. */
public enum ExecutionProvider {
    TENSORRT("tensorrt"),
    CUDA("cuda"),
    CPU("cpu");

    private final String id;

    ExecutionProvider(String id) {
        this.id = id;
    }

    /**
     * The name used in profile files and overrides: {@code tensorrt}, {@code cuda}, {@code cpu}.
     */
    public String id() {
        return id;
    }

    /**
     * The provider named {@code text} (its {@link #id()}, any case, surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the bad value and the accepted ones
     */
    public static ExecutionProvider parse(String text) {
        String wanted = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (ExecutionProvider provider : values()) {
            if (provider.id.equals(wanted)) {
                return provider;
            }
        }
        throw new IllegalArgumentException(
                "'" + text + "' is not one of " + Ids.joined(values(), ExecutionProvider::id));
    }
}
