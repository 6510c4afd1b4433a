package dev.edgetwin.runtime.sparkplug;

import com.google.protobuf.InvalidProtocolBufferException;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugMeta;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.tinylog.Logger;

/**
 * Reads an NCMD. The only command the edge node acts on is {@code Node Control/Rebirth = true};
 * anything else (another metric, a false or non-boolean value, bytes that are not a Sparkplug
 * payload) is ignored with a warning. Parsed with the raw protobuf classes, not Tahu's model, so a
 * hostile payload (data sets, templates) never reaches code this node does not need.
 *
 * <p>Stateless and thread-safe: called on Paho's callback thread.
 */
final class NodeCommand {
    /** What to do about one inbound message. */
    enum Action {
        REBIRTH,
        IGNORE
    }

    private NodeCommand() {}

    static Action parse(SparkplugTopics topics, String topic, byte[] payload) {
        if (!topics.ncmd().equals(topic)) {
            Logger.warn("Ignoring a Sparkplug message on {}: this node handles only NCMD", topic);
            return Action.IGNORE;
        }
        SparkplugBProto.Payload p;
        try {
            p = SparkplugBProto.Payload.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            Logger.warn(
                    "Ignoring a malformed NCMD ({} bytes, not a Sparkplug B payload): {}",
                    payload.length,
                    e.getMessage());
            return Action.IGNORE;
        }
        if (p.getMetricsCount() == 0) {
            Logger.warn("Ignoring an NCMD without metrics");
            return Action.IGNORE;
        }
        Action action = Action.IGNORE;
        for (SparkplugBProto.Payload.Metric m : p.getMetricsList()) {
            if (!SparkplugMeta.METRIC_NODE_REBIRTH.equals(m.getName())) {
                Logger.warn(
                        "Ignoring NCMD metric '{}': only '{}' is supported",
                        m.hasName() ? m.getName() : "alias " + m.getAlias(),
                        SparkplugMeta.METRIC_NODE_REBIRTH);
            } else if (!m.hasBooleanValue()
                    || (m.hasDatatype()
                            && m.getDatatype() != MetricDataType.Boolean.toIntValue())) {
                Logger.warn(
                        "Ignoring NCMD '{}': expected a Boolean true, got datatype {}",
                        SparkplugMeta.METRIC_NODE_REBIRTH,
                        m.hasDatatype() ? Integer.toString(m.getDatatype()) : "none");
            } else if (m.getBooleanValue()) {
                action = Action.REBIRTH;
            } else {
                Logger.debug("NCMD '{}' = false: nothing to do", SparkplugMeta.METRIC_NODE_REBIRTH);
            }
        }
        return action;
    }
}
