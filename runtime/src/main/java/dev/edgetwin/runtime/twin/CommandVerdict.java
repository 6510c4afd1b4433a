package dev.edgetwin.runtime.twin;

import java.util.Objects;

/**
 * What became of a command, as its response says.
 *
 * @param status accepted, rejected or unavailable
 * @param reason why it was not accepted (null for accepted): names what was wrong
 */
public record CommandVerdict(Status status, String reason) {

    /** The response's {@code status}. */
    public enum Status {
        /** Valid, and handed to what carries it out. */
        ACCEPTED,
        /** Malformed, unknown, or invalid (the reason names the field): nothing was done. */
        REJECTED,
        /**
         * Valid, but nothing on this robot can carry it out now (the reason says what is missing).
         */
        UNAVAILABLE;

        /** The name on the wire. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CommandVerdict {
        Objects.requireNonNull(status, "status");
        if ((status == Status.ACCEPTED) != (reason == null)) {
            throw new IllegalArgumentException(
                    "a reason is given exactly when the command was not accepted; status "
                            + status
                            + ", reason "
                            + reason);
        }
        if (reason != null && reason.isBlank()) {
            throw new IllegalArgumentException("the reason must not be blank");
        }
    }

    public static CommandVerdict accepted() {
        return new CommandVerdict(Status.ACCEPTED, null);
    }

    public static CommandVerdict rejected(String reason) {
        return new CommandVerdict(Status.REJECTED, reason);
    }

    public static CommandVerdict unavailable(String reason) {
        return new CommandVerdict(Status.UNAVAILABLE, reason);
    }
}
