package dev.edgetwin.runtime.twin;

import java.util.Objects;
import java.util.Set;

/**
 * Something that happened to the twin, published once on {@code twin/event} (not retained). Unlike
 * states, events are never coalesced: each one is delivered at least once.
 *
 * @param type {@code appeared}, {@code left}, {@code entered-path} or {@code fall}
 * @param timeNanos when it happened (capture time), nanoseconds since the Unix epoch
 * @param objectId the track it concerns, at least 1
 * @param objectClass the track's class
 * @param x the object's position in the factory frame, metres (for {@code left}: where it was last)
 * @param y the object's position in the factory frame, metres
 */
public record TwinEvent(
        String type, long timeNanos, long objectId, String objectClass, double x, double y) {
    /** The event types subscribers may see. */
    public static final Set<String> TYPES = Set.of("appeared", "left", "entered-path", "fall");

    public TwinEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(objectClass, "objectClass");
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException(
                    "event type must be one of " + TYPES + ", got '" + type + "'");
        }
        if (objectId < 1) {
            throw new IllegalArgumentException("objectId must be at least 1, got " + objectId);
        }
        if (objectClass.isEmpty()) {
            throw new IllegalArgumentException("objectClass must not be empty");
        }
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException(
                    "the position must be finite, got (" + x + ", " + y + ")");
        }
    }
}
