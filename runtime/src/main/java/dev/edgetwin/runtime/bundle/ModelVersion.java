package dev.edgetwin.runtime.bundle;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A model or runtime version: dot-separated numbers with an optional pre-release tag, ordered as
 * semantic versions are ({@code 1.2.0-rc1 < 1.2.0 < 1.10.0}); missing numbers count as zero, and
 * between equal numbers the shorter spelling comes first ({@code 1.2 < 1.2.0}).
 */
public record ModelVersion(List<Integer> numbers, String preRelease)
        implements Comparable<ModelVersion> {

    private static final Pattern FORMAT =
            Pattern.compile(
                    "(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){0,3}(-[0-9A-Za-z.]{1,32})?");

    public ModelVersion {
        numbers = List.copyOf(numbers);
    }

    /**
     * Parses {@code 1}, {@code 1.2.3} or {@code 1.2.3-rc.1}.
     *
     * @throws IllegalArgumentException naming the text when it is not a version
     */
    public static ModelVersion parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            throw new IllegalArgumentException(
                    "not a version: '"
                            + text
                            + "' (expected numbers separated by dots, e.g. 1.4.0 or 2.0.0-rc1)");
        }
        int dash = text.indexOf('-');
        String core = dash < 0 ? text : text.substring(0, dash);
        List<Integer> numbers = new ArrayList<>();
        for (String part : core.split("\\.")) {
            numbers.add(Integer.parseInt(part));
        }
        return new ModelVersion(numbers, dash < 0 ? "" : text.substring(dash + 1));
    }

    /** Whether {@code text} parses. */
    public static boolean isValid(String text) {
        return text != null && FORMAT.matcher(text).matches();
    }

    @Override
    public int compareTo(ModelVersion other) {
        int length = Math.max(numbers.size(), other.numbers.size());
        for (int i = 0; i < length; i++) {
            int a = i < numbers.size() ? numbers.get(i) : 0;
            int b = i < other.numbers.size() ? other.numbers.get(i) : 0;
            if (a != b) {
                return Integer.compare(a, b);
            }
        }
        // A release sorts after its pre-releases.
        if (preRelease.isEmpty() != other.preRelease.isEmpty()) {
            return Boolean.compare(preRelease.isEmpty(), other.preRelease.isEmpty());
        }
        int tags = preRelease.compareTo(other.preRelease);
        // 1.2 and 1.2.0 name the same release but different folders: order them, shorter first,
        // so that the order agrees with equals.
        return tags != 0 ? tags : Integer.compare(numbers.size(), other.numbers.size());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < numbers.size(); i++) {
            s.append(i == 0 ? "" : ".").append(numbers.get(i));
        }
        return preRelease.isEmpty() ? s.toString() : s + "-" + preRelease;
    }
}
