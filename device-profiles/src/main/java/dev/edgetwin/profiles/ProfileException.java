package dev.edgetwin.profiles;

import java.util.List;

/**
 * A device profile could not be found, read or accepted. The message names the source, every bad
 * field and its bad value; {@link #problems()} has them one by one.
 */
public final class ProfileException extends Exception {

    /** What went wrong, so a caller can tell a typo in an id from a broken file. */
    public enum Code {
        /** No built-in profile has that id. */
        UNKNOWN_PROFILE,
        /** The profile file could not be read (missing, unreadable). */
        UNREADABLE,
        /** The profile or an override was read but is not valid. */
        INVALID
    }

    private final Code code;
    private final List<String> problems;

    public ProfileException(Code code, String message) {
        this(code, message, List.of(message), null);
    }

    public ProfileException(Code code, String message, Throwable cause) {
        this(code, message, List.of(message), cause);
    }

    ProfileException(Code code, String message, List<String> problems, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.problems = List.copyOf(problems);
    }

    /** Builds an {@link Code#INVALID} exception whose message lists every problem. */
    static ProfileException invalid(String source, List<String> problems) {
        String message =
                problems.size() == 1
                        ? source + ": " + problems.get(0)
                        : source
                                + ": "
                                + problems.size()
                                + " problems: "
                                + String.join("; ", problems);
        return new ProfileException(Code.INVALID, message, problems, null);
    }

    public Code code() {
        return code;
    }

    /** Each bad field with its bad value (for {@link Code#INVALID}); otherwise the message. */
    public List<String> problems() {
        return problems;
    }
}
