package dev.edgetwin.bridge;

import java.util.Objects;

/** A frame could not be decoded: the one checked exception of the wire-protocol boundary. */
public final class ProtocolException extends Exception {
    private final ProtocolError error;

    ProtocolException(ProtocolError error, String message) {
        super(error + ": " + message);
        this.error = Objects.requireNonNull(error, "error");
    }

    /** What went wrong, as a code a caller can count or switch on. */
    public ProtocolError error() {
        return error;
    }
}
