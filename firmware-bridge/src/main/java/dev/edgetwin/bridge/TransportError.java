package dev.edgetwin.bridge;

/** Why a transport operation failed; carried by {@link TransportException}. */
public enum TransportError {
    /** The transport was closed (by this side, or the peer went away) before or during the call. */
    CLOSED,
    /** Connecting or binding failed (refused, unreachable, timed out, port in use). */
    CONNECT_FAILED,
    /** Reading or writing failed on an open transport (reset, broken pipe, device removed). */
    IO,
    /**
     * A bounded buffer between the two ends of an in-memory pair was full; the frame was dropped.
     */
    OVERFLOW
}
