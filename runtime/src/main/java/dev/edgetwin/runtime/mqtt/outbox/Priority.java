package dev.edgetwin.runtime.mqtt.outbox;

/**
 * A message's priority class. The outbox keeps one log per class; the sender drains a higher class
 * before a lower one (order is kept within a class), and when the disk bound is reached the oldest
 * records of the lowest class that has any are dropped first.
 */
public enum Priority {
    /** Twin events (something happened): sent first, dropped last. */
    EVENT,
    /** Twin state and status. */
    STATE,
    /** Periodic telemetry: sent last, dropped first. */
    TELEMETRY;

    /** The prefix of this class's segment files. */
    String fileTag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
