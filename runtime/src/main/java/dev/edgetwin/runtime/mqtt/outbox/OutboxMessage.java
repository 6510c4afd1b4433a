package dev.edgetwin.runtime.mqtt.outbox;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One MQTT message to deliver. The payload is copied when the message is built; {@link #payload()}
 * returns that copy (do not modify it).
 *
 * @param topic MQTT topic name: 1-65535 UTF-8 bytes, no wildcards
 * @param payload the bytes to publish (may be empty)
 * @param qos 0, 1 or 2
 * @param retained the MQTT RETAIN flag
 * @param priority which log the message goes to
 */
public record OutboxMessage(
        String topic, byte[] payload, int qos, boolean retained, Priority priority) {

    public OutboxMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(priority, "priority");
        int topicBytes = topic.getBytes(StandardCharsets.UTF_8).length;
        if (topicBytes == 0 || topicBytes > 0xFFFF) {
            throw new IllegalArgumentException(
                    "topic must be 1-65535 UTF-8 bytes, got " + topicBytes + " bytes");
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0 || topic.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(
                    "topic must not contain '+', '#' or NUL, got '" + topic + "'");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, got " + qos);
        }
        payload = payload.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutboxMessage m
                && topic.equals(m.topic)
                && Arrays.equals(payload, m.payload)
                && qos == m.qos
                && retained == m.retained
                && priority == m.priority;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retained, priority);
    }

    @Override
    public String toString() {
        return "OutboxMessage["
                + priority
                + " "
                + topic
                + ", "
                + payload.length
                + " bytes, qos "
                + qos
                + (retained ? ", retained]" : "]");
    }
}
