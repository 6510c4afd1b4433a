package dev.edgetwin.runtime.mqtt.outbox;

import java.util.Objects;

/**
 * A message as the outbox stored it, for the sender.
 *
 * @param seq the outbox's sequence number: unique and increasing for the life of the outbox
 *     directory (also across restarts), so subscribers can drop a resent duplicate; acknowledge it
 *     with {@link DurableOutbox#acknowledge(long)} once the broker has the message
 * @param message what to publish
 */
public record OutboxEntry(long seq, OutboxMessage message) {
    public OutboxEntry {
        Objects.requireNonNull(message, "message");
    }
}
