package dev.edgetwin.runtime.sparkplug;

/**
 * The Sparkplug B topic namespace of one edge node: {@code spBv1.0/<group>/<type>/<edge
 * node>[/<device>]}. Ids are checked by {@link SparkplugConfig}.
 */
public record SparkplugTopics(String groupId, String edgeNodeId) {
    public static final String NAMESPACE = "spBv1.0";

    public String nbirth() {
        return node("NBIRTH");
    }

    public String ndeath() {
        return node("NDEATH");
    }

    public String ndata() {
        return node("NDATA");
    }

    /** Commands to this edge node (Node Control/Rebirth). */
    public String ncmd() {
        return node("NCMD");
    }

    public String dbirth(String deviceId) {
        return device("DBIRTH", deviceId);
    }

    public String ddata(String deviceId) {
        return device("DDATA", deviceId);
    }

    public String ddeath(String deviceId) {
        return device("DDEATH", deviceId);
    }

    private String node(String type) {
        return NAMESPACE + "/" + groupId + "/" + type + "/" + edgeNodeId;
    }

    private String device(String type, String deviceId) {
        return node(type) + "/" + deviceId;
    }
}
