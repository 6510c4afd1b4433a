package dev.edgetwin.runtime.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inputs and outputs a caller needs from a model, checked when the model loads so that a wrong
 * model fails with a message naming what was expected and what was found, not with a shape error on
 * the first frame.
 *
 * <p>Specs are matched in order: the i-th spec against the model's i-th input (or output). A model
 * may have more outputs than the contract names; it may not have more inputs, since they could not
 * be fed.
 */
public record ModelContract(List<TensorSpec> inputs, List<TensorSpec> outputs) {

    public ModelContract {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * A YOLO-style detector: one image [1, 3, H, W] in float32 ([0, 1]) or uint8 (grey levels), a
     * float output [1, A, N] first.
     */
    public static ModelContract detector() {
        return new ModelContract(
                List.of(
                        TensorSpec.oneOf(
                                null,
                                List.of(OnnxJavaType.FLOAT, OnnxJavaType.UINT8),
                                1,
                                3,
                                -1,
                                -1)),
                List.of(TensorSpec.of(null, OnnxJavaType.FLOAT, 1, -1, -1)));
    }

    /** What does not match, one line per problem; empty when the model fits. */
    List<String> mismatches(Map<String, NodeInfo> modelInputs, Map<String, NodeInfo> modelOutputs) {
        List<String> problems = new ArrayList<>();
        if (modelInputs.size() != inputs.size()) {
            problems.add(
                    "expected "
                            + inputs.size()
                            + " input(s) "
                            + inputs
                            + ", the model has "
                            + modelInputs.size()
                            + ": "
                            + describe(modelInputs));
        }
        compare("input", inputs, modelInputs, problems);
        if (modelOutputs.size() < outputs.size()) {
            problems.add(
                    "expected at least "
                            + outputs.size()
                            + " output(s) "
                            + outputs
                            + ", the model has "
                            + modelOutputs.size()
                            + ": "
                            + describe(modelOutputs));
        }
        compare("output", outputs, modelOutputs, problems);
        return problems;
    }

    private static void compare(
            String kind,
            List<TensorSpec> specs,
            Map<String, NodeInfo> actual,
            List<String> problems) {
        List<NodeInfo> infos = new ArrayList<>(actual.values());
        for (int i = 0; i < Math.min(specs.size(), infos.size()); i++) {
            TensorSpec spec = specs.get(i);
            NodeInfo info = infos.get(i);
            if (spec.name() != null && !spec.name().equals(info.getName())) {
                problems.add(
                        kind
                                + " "
                                + i
                                + ": expected the name '"
                                + spec.name()
                                + "', the model calls it '"
                                + info.getName()
                                + "'");
            }
            if (!(info.getInfo() instanceof TensorInfo t)) {
                problems.add(
                        kind
                                + " '"
                                + info.getName()
                                + "': expected a tensor, found "
                                + info.getInfo());
                continue;
            }
            if (!spec.accepts(t.type, t.getShape())) {
                problems.add(
                        kind
                                + " '"
                                + info.getName()
                                + "': expected "
                                + spec.describe()
                                + ", the model has "
                                + TensorSpec.describe(t.type, t.getShape()));
            }
        }
    }

    private static String describe(Map<String, NodeInfo> infos) {
        List<String> parts = new ArrayList<>();
        for (NodeInfo info : infos.values()) {
            parts.add(
                    "'"
                            + info.getName()
                            + "' "
                            + (info.getInfo() instanceof TensorInfo t
                                    ? TensorSpec.describe(t.type, t.getShape())
                                    : String.valueOf(info.getInfo())));
        }
        return parts.toString();
    }
}
