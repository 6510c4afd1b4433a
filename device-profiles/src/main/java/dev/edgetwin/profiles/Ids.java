package dev.edgetwin.profiles;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Joins the accepted names for error messages, so every message lists them the same way. */
final class Ids {
    private Ids() {}

    static <T> String joined(T[] values, Function<T, String> id) {
        return Arrays.stream(values).map(id).collect(Collectors.joining(", "));
    }
}
