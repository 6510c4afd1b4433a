package dev.edgetwin.runtime.mqtt.outbox;

/** The outbox (or the session epoch file) could not do what was asked. */
public final class OutboxException extends Exception {

    /** What went wrong, so the caller can decide what to do about it. */
    public enum Code {
        /** Reading, writing, syncing or deleting a file failed (disk full, permissions...). */
        IO,
        /** Another outbox (in this or another process) owns the directory. */
        LOCKED,
        /** The message cannot fit in a segment, and so not within the disk bound. */
        MESSAGE_TOO_LARGE,
        /** The session epoch file exists but does not hold a valid epoch. */
        CORRUPT_EPOCH
    }

    private final Code code;

    public OutboxException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public OutboxException(Code code, String message) {
        this(code, message, null);
    }

    public Code code() {
        return code;
    }
}
