package dev.edgetwin.bridge;

import java.util.Objects;

/**
 * A message with the sequence number its sender gave it: what one frame carries.
 *
 * @param sequence the sender's frame counter, 0..65535, incremented per frame and wrapping
 * @param message the message
 */
public record Envelope(int sequence, Message message) {
    public Envelope {
        Wire.SEQUENCE.check(sequence);
        Objects.requireNonNull(message, "message");
    }
}
