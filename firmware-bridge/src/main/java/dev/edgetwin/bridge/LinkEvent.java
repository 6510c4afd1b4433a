package dev.edgetwin.bridge;

import java.util.Objects;

/**
 * Something the link supervisor reports: a state change or a fault.
 *
 * @param kind what happened
 * @param detail human-readable specifics (what was expected, what was found)
 * @param atNanos {@link LinkClock#nanoTime()} when it happened
 */
public record LinkEvent(Kind kind, String detail, long atNanos) {
    public LinkEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** What happened; {@link #isFault()} tells faults from state changes. */
    public enum Kind {
        /** Hellos exchanged; protocol versions agree. */
        CONNECTED(false),
        /** The MCU's hello named another protocol version; the link will not drive. */
        VERSION_MISMATCH(true),
        /** No hello from the MCU within the handshake timeout. */
        HANDSHAKE_TIMEOUT(true),
        /** Silence longer than the link timeout, or the transport closed; a stop was sent. */
        LINK_LOST(true),
        /** The caller's last command is older than the configured age; a stop was sent. */
        COMMAND_STALE(true),
        /** The caller reported a fault (planner, vision); a stop was sent. */
        CALLER_FAULT(true),
        /** Odometry showed standstill after a stop. */
        STOP_CONFIRMED(false),
        /** Odometry did not show standstill within the confirmation timeout after a stop. */
        STOP_NOT_CONFIRMED(true),
        /** The MCU's fault bits changed (detail names the bits). */
        MCU_FAULTS(true),
        /** The MCU refused a frame (detail names the sequence and reason). */
        NACKED(true);

        private final boolean fault;

        Kind(boolean fault) {
            this.fault = fault;
        }

        public boolean isFault() {
            return fault;
        }
    }
}
