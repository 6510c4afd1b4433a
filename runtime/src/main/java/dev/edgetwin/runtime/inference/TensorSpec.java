package dev.edgetwin.runtime.inference;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a caller expects of one model input or output.
 *
 * @param name the tensor's name, or null for "whatever it is called"
 * @param types the element types accepted, in order of preference (the first names it)
 * @param shape dimensions; -1 accepts any size (including a symbolic dimension)
 */
public record TensorSpec(String name, List<OnnxJavaType> types, long[] shape) {

    public TensorSpec {
        types = List.copyOf(types);
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a tensor spec needs at least one element type");
        }
        shape = shape.clone();
        for (long d : shape) {
            if (d < -1 || d == 0) {
                throw new IllegalArgumentException(
                        "tensor dimensions must be positive or -1 (any), got "
                                + Arrays.toString(shape));
            }
        }
    }

    public static TensorSpec of(String name, OnnxJavaType type, long... shape) {
        return new TensorSpec(name, List.of(type), shape);
    }

    /** A tensor of any of {@code types}, e.g. an image input in float32 or uint8. */
    public static TensorSpec oneOf(String name, List<OnnxJavaType> types, long... shape) {
        return new TensorSpec(name, types, shape);
    }

    /** Whether a tensor of this type and shape satisfies the spec. */
    boolean accepts(OnnxJavaType actualType, long[] actualShape) {
        if (!types.contains(actualType) || actualShape.length != shape.length) {
            return false;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != -1 && actualShape[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    static String describe(OnnxJavaType type, long[] shape) {
        return typeName(type) + " " + Arrays.toString(shape).replace("-1", "?");
    }

    /** e.g. {@code float32 or uint8 [1, 3, ?, ?]}. */
    String describe() {
        List<String> names = new java.util.ArrayList<>();
        types.forEach(t -> names.add(typeName(t)));
        return String.join(" or ", names) + " " + Arrays.toString(shape).replace("-1", "?");
    }

    private static String typeName(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            case INT8 -> "int8";
            case UINT8 -> "uint8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case BOOL -> "bool";
            case STRING -> "string";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    @Override
    public String toString() {
        return (name == null ? "(any name)" : "'" + name + "'") + " " + describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t
                && Objects.equals(name, t.name)
                && types.equals(t.types)
                && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, types, Arrays.hashCode(shape));
    }
}
