package dev.edgetwin.modelkit;

import java.util.List;
import java.util.Objects;

/**
 * A graph input or output as the model declares it.
 *
 * @param name the value's name in the graph
 * @param elementType {@code float32}, {@code float16}, {@code uint8}, {@code int64}, ... for a
 *     tensor; {@code sequence<float32>}, {@code map<int64,float32>}, {@code optional<...>}, {@code
 *     sparse<...>} for other types; {@code undeclared} when the model gives no type
 * @param shape one entry per dimension: a number ({@code "320"}), a symbolic name ({@code "batch"})
 *     or {@code "?"} when the dimension is unknown. Empty for a scalar (and for non-tensor types);
 *     {@link #UNKNOWN_RANK} when the model does not declare a shape at all
 */
public record TensorDescription(String name, String elementType, List<String> shape) {
    /** The shape of a tensor whose rank the model leaves open. */
    public static final List<String> UNKNOWN_RANK = List.of("...");

    public TensorDescription {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(elementType, "elementType");
        shape = List.copyOf(shape);
    }

    /** The shape as printed: {@code [1, 3, 320, 320]}, {@code [batch, 3, ?, ?]}. */
    public String shapeText() {
        return "[" + String.join(", ", shape) + "]";
    }
}
