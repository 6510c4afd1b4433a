package dev.edgetwin.modelkit.quantize;

import java.util.List;
import java.util.Objects;

/**
 * A quantized model and what the quantizer did to it.
 *
 * @param bytes the QDQ model (an ONNX protobuf)
 * @param quantizedNodes the nodes now computing on int8, by name (or {@code OpType#index} for
 *     nameless ones), in graph order; a ReLU folded into the layer before it is marked {@code
 *     (folded)}
 * @param excludedNodes the nodes kept float, as {@code name (reason)}: {@code decode head}, {@code
 *     --exclude-node} or {@code --exclude-op TYPE}
 * @param activationTensors activation tensors given a QuantizeLinear/DequantizeLinear pair
 * @param calibrationInputs how many calibration inputs were run
 * @param calibrationSha256 SHA-256 over those inputs as fed (little-endian float32, in order)
 */
public record QuantizedModel(
        byte[] bytes,
        List<String> quantizedNodes,
        List<String> excludedNodes,
        int activationTensors,
        int calibrationInputs,
        String calibrationSha256) {

    public QuantizedModel {
        Objects.requireNonNull(bytes, "bytes");
        quantizedNodes = List.copyOf(quantizedNodes);
        excludedNodes = List.copyOf(excludedNodes);
        Objects.requireNonNull(calibrationSha256, "calibrationSha256");
    }

    @Override
    public String toString() {
        return "QuantizedModel["
                + bytes.length
                + " bytes, "
                + quantizedNodes.size()
                + " nodes int8, "
                + excludedNodes.size()
                + " kept float, "
                + activationTensors
                + " activations quantized, "
                + calibrationInputs
                + " calibration inputs]";
    }
}
