package dev.edgetwin.bridge;

import java.util.Objects;

/** A transport failed: the one checked exception of the transport boundary. */
public final class TransportException extends Exception {
    private final TransportError error;

    TransportException(TransportError error, String message) {
        this(error, message, null);
    }

    TransportException(TransportError error, String message, Throwable cause) {
        super(error + ": " + message, cause);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** What went wrong, as a code a caller can count or switch on. */
    public TransportError error() {
        return error;
    }
}
