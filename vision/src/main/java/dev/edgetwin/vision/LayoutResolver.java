package dev.edgetwin.vision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decides which {@link OutputLayout} a detection output has, from its shape, the class count in the
 * model's {@code names} metadata (C tells [1, 4+C, N] from [1, N, 5+C] from [1, N, 6]) and the
 * {@code end2end} flag newer Ultralytics exports write. Without names it falls back on the usual
 * proportions (N anchors far more than 4+C channels) and says which it chose.
 */
final class LayoutResolver {
    private LayoutResolver() {}

    /**
     * @param layout the layout to decode with
     * @param classes C, from the names or (without names) from the shape; 0 when unknown (an
     *     end-to-end output without names)
     * @param how how the layout was chosen, for the load log line
     */
    record Resolved(OutputLayout layout, int classes, String how) {}

    /**
     * @param shape the output's shape as ONNX Runtime reports it (-1 for a dynamic dimension)
     * @param names class names from the metadata, or null when the model has none
     * @param end2end the raw {@code end2end} metadata value, or null
     * @param requested {@link OutputLayout#AUTO} or the layout the caller insists on
     * @throws IllegalArgumentException saying what was expected and what was found when no layout
     *     fits, or (for AUTO) when more than one does
     */
    static Resolved resolve(
            long[] shape, List<String> names, String end2end, OutputLayout requested) {
        String found = Arrays.toString(shape);
        if (shape.length != 3
                || shape[0] != 1
                || shape[1] <= 0
                || shape[2] <= 0
                || shape[1] > Integer.MAX_VALUE / Math.max(1, shape[2])) {
            throw new IllegalArgumentException(
                    "the detection output has shape "
                            + found
                            + "; a detector needs a fixed rank-3 output with batch 1 (export with"
                            + " batch 1, a fixed image size and dynamic=False). Supported layouts: "
                            + OutputLayout.supported());
        }
        int classes = names == null ? -1 : names.size();
        String withNames = names == null ? "no class names" : plural(classes, "class name");
        if (requested != OutputLayout.AUTO) {
            if (!fits(requested, shape, classes, false)) {
                throw new IllegalArgumentException(
                        "output layout "
                                + requested.describe()
                                + " was requested but the output has shape "
                                + found
                                + " and the model has "
                                + withNames
                                + expectation(requested, classes));
            }
            return new Resolved(requested, classCount(requested, shape, names), "as requested");
        }

        List<OutputLayout> fitting = new ArrayList<>();
        for (OutputLayout l :
                List.of(OutputLayout.YOLOV8, OutputLayout.YOLOV5, OutputLayout.END_TO_END)) {
            if (fits(l, shape, classes, names == null)) {
                fitting.add(l);
            }
        }
        Boolean endToEnd = parseBoolean(end2end);
        String how = "recognised from shape " + found + " and " + withNames;
        if (Boolean.TRUE.equals(endToEnd)) {
            if (!fitting.contains(OutputLayout.END_TO_END)) {
                throw new IllegalArgumentException(
                        "the metadata says end2end="
                                + end2end
                                + " but the output has shape "
                                + found
                                + ", not "
                                + OutputLayout.END_TO_END.describe());
            }
            fitting = List.of(OutputLayout.END_TO_END);
            how += " and end2end=" + end2end;
        } else if (Boolean.FALSE.equals(endToEnd) && fitting.remove(OutputLayout.END_TO_END)) {
            how += " and end2end=" + end2end;
        }
        if (fitting.isEmpty()) {
            StringBuilder expected = new StringBuilder();
            for (OutputLayout l :
                    List.of(OutputLayout.YOLOV8, OutputLayout.YOLOV5, OutputLayout.END_TO_END)) {
                expected.append(expected.length() == 0 ? "" : "; ")
                        .append(l.describe())
                        .append(expectation(l, classes));
            }
            throw new IllegalArgumentException(
                    "the detection output has shape "
                            + found
                            + " and the model has "
                            + withNames
                            + ", which fits none of the supported layouts: "
                            + expected);
        }
        if (fitting.size() > 1) {
            throw new IllegalArgumentException(
                    "the detection output shape "
                            + found
                            + " with "
                            + withNames
                            + " is ambiguous: it fits "
                            + fitting.stream().map(OutputLayout::describe).toList()
                            + ". Set the layout explicitly, e.g. OnnxDetector.Options.defaults()"
                            + ".withLayout(OutputLayout."
                            + fitting.get(fitting.size() - 1)
                            + ")"
                            + (fitting.contains(OutputLayout.END_TO_END)
                                    ? ", or give the model an 'end2end' metadata entry (True or"
                                            + " False)"
                                    : ""));
        }
        OutputLayout layout = fitting.get(0);
        return new Resolved(layout, classCount(layout, shape, names), how);
    }

    /**
     * @param classes C, or -1 when the model has no names
     * @param byProportion without names, also require the usual proportions (more anchors than
     *     values per anchor) so that AUTO does not guess between transposed layouts
     */
    private static boolean fits(OutputLayout l, long[] shape, int classes, boolean byProportion) {
        return switch (l) {
            case YOLOV8 ->
                    classes >= 0
                            ? shape[1] == 4 + classes
                            : shape[1] > 4 && (!byProportion || shape[1] < shape[2]);
            case YOLOV5 ->
                    classes >= 0
                            ? shape[2] == 5 + classes
                            : shape[2] > 5 && (!byProportion || shape[1] > shape[2]);
            case END_TO_END -> shape[2] == 6;
            case AUTO -> false;
        };
    }

    private static String expectation(OutputLayout l, int classes) {
        if (classes < 0) {
            return "";
        }
        return switch (l) {
            case YOLOV8 -> " (expected [1, " + (4 + classes) + ", N])";
            case YOLOV5 -> " (expected [1, N, " + (5 + classes) + "])";
            default -> "";
        };
    }

    private static int classCount(OutputLayout l, long[] shape, List<String> names) {
        if (names != null) {
            return names.size();
        }
        return switch (l) {
            case YOLOV8 -> (int) shape[1] - 4;
            case YOLOV5 -> (int) shape[2] - 5;
            default -> 0;
        };
    }

    private static Boolean parseBoolean(String value) {
        if (value == null) {
            return null;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> Boolean.TRUE;
            case "false", "0" -> Boolean.FALSE;
            default -> null;
        };
    }

    private static String plural(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
