package dev.edgetwin.modelkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link ModelInspector} found in an ONNX file. A plain value: the CLI prints {@link
 * #summary()} or serialises the record's components as JSON.
 *
 * @param file the path as given (or the name given for in-memory bytes)
 * @param sizeBytes the file's size
 * @param sha256 the file's SHA-256, 64 lowercase hex digits
 * @param irVersion the ONNX IR version ({@code ir_version})
 * @param opsetImports operator set version per domain, sorted by domain; {@code ""} is the default
 *     domain (ai.onnx)
 * @param producerName {@code producer_name}, empty when not recorded
 * @param producerVersion {@code producer_version}, empty when not recorded
 * @param inputs the graph inputs the caller must feed (initializers listed as inputs excluded)
 * @param outputs the graph outputs
 * @param metadata {@code metadata_props} in file order
 * @param nodeCount nodes in the graph, including those inside If/Loop/Scan subgraphs
 * @param operatorCounts nodes per operator, sorted by operator type; operators outside the default
 *     domain are keyed {@code domain.OpType}, e.g. {@code com.microsoft.QLinearConv}
 * @param quantizeLinearCount QuantizeLinear nodes
 * @param dequantizeLinearCount DequantizeLinear nodes
 * @param qdqPairs DequantizeLinear nodes fed by a QuantizeLinear (activations) or by an integer
 *     (int8, uint8, int16, uint16, int4, uint4) constant (weights)
 * @param quantized whether the model computes on quantized values: QDQ pairs or quantized operators
 *     (QLinearConv, MatMulInteger, ...)
 * @param weightPrecision the precision of the weights: {@code int8 (QDQ)}, {@code uint8 (QDQ)},
 *     {@code int8}, {@code fp16}, {@code fp32}, ..., {@code mixed: fp16 60%, fp32 40%} when more
 *     than one type holds at least 5% of the weight values, {@code none} without weights
 * @param parameterCount values in all initializers and Constant nodes, except int64, bool and
 *     string ones (shapes, axes, indices, flags)
 */
public record ModelReport(
        String file,
        long sizeBytes,
        String sha256,
        long irVersion,
        Map<String, Long> opsetImports,
        String producerName,
        String producerVersion,
        List<TensorDescription> inputs,
        List<TensorDescription> outputs,
        Map<String, String> metadata,
        int nodeCount,
        Map<String, Integer> operatorCounts,
        int quantizeLinearCount,
        int dequantizeLinearCount,
        int qdqPairs,
        boolean quantized,
        String weightPrecision,
        long parameterCount) {

    private static final int LABEL_WIDTH = 12;
    private static final int LINE_WIDTH = 100;
    private static final int MAX_VALUE_CHARS = 120;

    public ModelReport {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        Objects.requireNonNull(weightPrecision, "weightPrecision");
        if (sizeBytes < 0 || nodeCount < 0 || parameterCount < 0 || qdqPairs < 0) {
            throw new IllegalArgumentException(
                    "negative count: sizeBytes="
                            + sizeBytes
                            + ", nodeCount="
                            + nodeCount
                            + ", parameterCount="
                            + parameterCount
                            + ", qdqPairs="
                            + qdqPairs);
        }
        opsetImports = Collections.unmodifiableMap(new LinkedHashMap<>(opsetImports));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        operatorCounts = Collections.unmodifiableMap(new LinkedHashMap<>(operatorCounts));
    }

    /**
     * A multi-line, human-readable description (what {@code edgetwin models inspect} prints). Text
     * taken from the file is stripped of control characters, and long metadata values are cut.
     */
    public String summary() {
        StringBuilder s = new StringBuilder();
        line(s, "model", printable(file));
        line(s, "size", size(sizeBytes));
        line(s, "sha256", sha256);
        line(s, "format", "ONNX IR version " + irVersion + ", opset " + opsets());
        String producer = (producerName + " " + producerVersion).strip();
        line(s, "producer", producer.isEmpty() ? "(not recorded)" : printable(producer));
        int nameWidth = 0;
        for (TensorDescription t : inputs) {
            nameWidth = Math.max(nameWidth, printable(t.name()).length());
        }
        for (TensorDescription t : outputs) {
            nameWidth = Math.max(nameWidth, printable(t.name()).length());
        }
        tensors(s, "inputs", inputs, nameWidth);
        tensors(s, "outputs", outputs, nameWidth);
        line(s, "nodes", Integer.toString(nodeCount));
        List<String> ops = new ArrayList<>();
        operatorCounts.forEach((op, n) -> ops.add(printable(op) + " " + n));
        wrapped(s, "operators", ops);
        line(s, "quantized", quantization());
        line(s, "weights", weightPrecision + ", " + count(parameterCount) + " parameters");
        if (metadata.isEmpty()) {
            line(s, "metadata", "(none)");
        } else {
            String label = "metadata";
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                line(s, label, printable(e.getKey()) + ": " + cut(printable(e.getValue())));
                label = "";
            }
        }
        return s.toString();
    }

    /** Short: the file, size and node count, not the whole content. */
    @Override
    public String toString() {
        return "ModelReport["
                + file
                + ", "
                + sizeBytes
                + " bytes, "
                + nodeCount
                + " nodes, "
                + weightPrecision
                + "]";
    }

    private String opsets() {
        if (opsetImports.isEmpty()) {
            return "(none declared)";
        }
        List<String> parts = new ArrayList<>();
        opsetImports.forEach(
                (domain, version) ->
                        parts.add(
                                (domain.isEmpty() ? "ai.onnx" : printable(domain))
                                        + " "
                                        + version));
        return String.join(", ", parts);
    }

    private String quantization() {
        String counts =
                "QuantizeLinear "
                        + quantizeLinearCount
                        + ", DequantizeLinear "
                        + dequantizeLinearCount;
        if (!quantized) {
            return "no (" + counts + ")";
        }
        if (qdqPairs == 0) {
            return "yes, quantized operators (" + counts + ")";
        }
        return "yes, " + qdqPairs + " QDQ pair" + (qdqPairs == 1 ? "" : "s") + " (" + counts + ")";
    }

    /** One line per tensor, names padded to {@code nameWidth} so types line up. */
    private static void tensors(
            StringBuilder s, String label, List<TensorDescription> list, int nameWidth) {
        if (list.isEmpty()) {
            line(s, label, "(none)");
            return;
        }
        for (TensorDescription t : list) {
            String name = printable(t.name());
            line(
                    s,
                    label,
                    name
                            + " ".repeat(nameWidth - name.length() + 2)
                            + printable(t.elementType())
                            + " "
                            + printable(t.shapeText()));
            label = "";
        }
    }

    /** Items joined with ", ", wrapped onto continuation lines at {@link #LINE_WIDTH}. */
    private static void wrapped(StringBuilder s, String label, List<String> items) {
        if (items.isEmpty()) {
            line(s, label, "(none)");
            return;
        }
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i + 1 < items.size() ? "," : "");
            if (current.length() > 0
                    && LABEL_WIDTH + current.length() + 1 + item.length() > LINE_WIDTH) {
                line(s, label, current.toString());
                label = "";
                current.setLength(0);
            }
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(item);
        }
        line(s, label, current.toString());
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append(label).append(" ".repeat(Math.max(1, LABEL_WIDTH - label.length())));
        s.append(value).append('\n');
    }

    /** {@code 812 bytes}, {@code 12.3 KB (12,595 bytes)}, {@code 1.4 MB (1,468,006 bytes)}. */
    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        String[] units = {"KB", "MB", "GB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%s bytes)", value, units[unit], count(bytes));
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String cut(String value) {
        if (value.length() <= MAX_VALUE_CHARS) {
            return value;
        }
        return value.substring(0, MAX_VALUE_CHARS) + "... (" + value.length() + " chars)";
    }

    /**
     * Text from the file with line breaks shown as {@code \n} and other control characters as
     * {@code ?}, so a model cannot break the layout or send escape sequences to a terminal.
     */
    static String printable(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                s.append("\\n");
            } else if (c == '\r') {
                s.append("\\r");
            } else if (c == '\t') {
                s.append(' ');
            } else if (Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.PRIVATE_USE) {
                s.append('?');
            } else {
                s.append(c);
            }
        }
        return s.toString();
    }
}
