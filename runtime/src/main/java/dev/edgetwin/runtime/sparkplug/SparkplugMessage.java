package dev.edgetwin.runtime.sparkplug;

import org.eclipse.tahu.message.model.MessageType;

/**
 * One MQTT message of the edge node: where it goes, its encoded Sparkplug B payload and how it is
 * sent. Sparkplug messages are never retained.
 *
 * @param type NBIRTH, NDEATH, DBIRTH, DDATA, DDEATH
 * @param deviceId the device, or null for a node message
 * @param seq the payload's seq (0..255), or -1 where the payload has none (NDEATH)
 * @param qos 0 for births and data, 1 for the NDEATH
 */
public record SparkplugMessage(
        MessageType type, String deviceId, String topic, byte[] payload, int seq, int qos) {

    @Override
    public String toString() {
        return type
                + (deviceId == null ? "" : "[" + deviceId + "]")
                + "[seq="
                + seq
                + ", "
                + payload.length
                + " bytes]";
    }
}
