package dev.edgetwin.modelkit.quantize;

import java.util.Locale;

/**
 * The integer types of activations and weights. Weights are int8 in both; activations are
 * asymmetric (a zero point per tensor) in both.
 */
public enum QdqFormat {
    /**
     * int8 activations: what ARM CPUs (and ONNX Runtime's QDQ defaults) compute on natively. On x86
     * CPUs ONNX Runtime turns a Q/DQ pair into uint8 before fusing, but only where the quantized
     * tensor feeds one node; a tensor that branches (a residual, a Concat input) keeps the layers
     * beside it in float there.
     */
    S8S8,
    /**
     * uint8 activations: what ONNX Runtime's x86 int8 kernels (VNNI) take, so every Q/DQ fuses
     * there, branches included.
     */
    U8S8;

    /** The lower-case name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code s8s8} or {@code u8s8} (any case).
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static QdqFormat parse(String id) {
        for (QdqFormat f : values()) {
            if (f.id().equalsIgnoreCase(id.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("QDQ format '" + id + "' is not one of s8s8, u8s8");
    }
}
