package dev.edgetwin.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the metadata Ultralytics writes into exported ONNX models. */
public final class UltralyticsMetadata {
    private UltralyticsMetadata() {}

    /**
     * Parses the {@code names} entry, a Python dict literal such as {@code {0: 'person', 1: "fork
     * lift"}}, into names in index order.
     *
     * @throws IllegalArgumentException naming the problem when it is not such a literal or the
     *     indices are not 0..n-1
     */
    public static List<String> parseNames(String literal) {
        String s = literal.strip();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException(
                    "class names must be a dict literal like {0: 'person'}, got: " + abbreviate(s));
        }
        Map<Integer, String> byIndex = new TreeMap<>();
        int i = 1;
        int end = s.length() - 1;
        while (true) {
            i = skipSpace(s, i);
            if (i >= end) {
                break;
            }
            int colon = s.indexOf(':', i);
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "class names: expected 'index: name' at offset "
                                + i
                                + " in "
                                + abbreviate(s));
            }
            int index;
            try {
                index = Integer.parseInt(s.substring(i, colon).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "class names: index '"
                                + s.substring(i, colon).strip()
                                + "' is not an integer");
            }
            int q = skipSpace(s, colon + 1);
            char quote = q < end ? s.charAt(q) : 0;
            if (quote != '\'' && quote != '"') {
                throw new IllegalArgumentException(
                        "class names: name for index "
                                + index
                                + " is not quoted in "
                                + abbreviate(s));
            }
            StringBuilder name = new StringBuilder();
            int p = q + 1;
            while (p < end && s.charAt(p) != quote) {
                if (s.charAt(p) == '\\' && p + 1 < end) {
                    p++;
                }
                name.append(s.charAt(p));
                p++;
            }
            if (p >= end) {
                throw new IllegalArgumentException(
                        "class names: unterminated name for index " + index);
            }
            if (byIndex.put(index, name.toString()) != null) {
                throw new IllegalArgumentException(
                        "class names: index " + index + " appears twice");
            }
            i = skipSpace(s, p + 1);
            if (i < end && s.charAt(i) == ',') {
                i++;
            }
        }
        List<String> names = new ArrayList<>(byIndex.size());
        int expected = 0;
        for (Map.Entry<Integer, String> e : byIndex.entrySet()) {
            if (e.getKey() != expected) {
                throw new IllegalArgumentException(
                        "class names: indices must run 0.."
                                + (byIndex.size() - 1)
                                + ", missing "
                                + expected);
            }
            names.add(e.getValue());
            expected++;
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("class names: the dict is empty");
        }
        return names;
    }

    /** Names for a model without a {@code names} entry: {@code class0, class1, ...}. */
    static List<String> defaultNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add("class" + i);
        }
        return List.copyOf(names);
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
