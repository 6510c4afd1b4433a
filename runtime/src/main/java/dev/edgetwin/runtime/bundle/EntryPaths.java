package dev.edgetwin.runtime.bundle;

/** The rules a path inside a bundle must follow, so that no entry can land outside its folder. */
final class EntryPaths {
    static final int MAX_LENGTH = 200;

    private EntryPaths() {}

    /**
     * What is wrong with {@code path} as a relative path inside a bundle, or null when nothing is:
     * no absolute paths or drive letters, no {@code .} or {@code ..} segments, no backslashes,
     * control characters or empty segments.
     */
    static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "is empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "is longer than " + MAX_LENGTH + " characters";
        }
        if (path.startsWith("/")) {
            return "is absolute";
        }
        if (path.length() >= 2 && path.charAt(1) == ':') {
            return "starts with a drive letter";
        }
        if (path.indexOf('\\') >= 0) {
            return "contains a backslash";
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) < 0x20 || path.charAt(i) == 0x7f) {
                return "contains a control character";
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "has an empty segment";
            }
            if (segment.equals("..")) {
                return "climbs out with '..'";
            }
            if (segment.equals(".")) {
                return "has a '.' segment";
            }
        }
        return null;
    }
}
