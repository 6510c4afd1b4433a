package dev.edgetwin.runtime.sparkplug;

import dev.edgetwin.runtime.sparkplug.TwinMetrics.MetricValue;
import dev.edgetwin.runtime.twin.TwinState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.eclipse.tahu.SparkplugInvalidTypeException;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.message.model.SparkplugMeta;

/**
 * The Sparkplug B state of one edge node, without any I/O: which devices are born and with which
 * values, and the sequence numbers. It turns twin states into the messages to send; the transport
 * ({@link SparkplugPublisher}) sends them in the order given.
 *
 * <ul>
 *   <li><b>bdSeq</b>: 0..255, one per connection attempt ({@link #beginConnect}), wrapping to 0
 *       after 255. The NDEATH registered as the Will and the NBIRTH that follows carry the same
 *       value; a rebirth keeps it.
 *   <li><b>seq</b>: the NBIRTH has 0; every DBIRTH, DDATA and DDEATH after it takes the next value,
 *       255 wrapping to 0. The NDEATH has none.
 *   <li><b>Report by exception</b>: a DDATA carries only the metrics whose (rounded) value changed
 *       since the device's birth or its last DDATA, and none is sent when nothing changed. A device
 *       that appears is born (DBIRTH); one that disappears (a track dropped) dies (DDEATH).
 * </ul>
 *
 * <p>Not thread-safe: one thread (the publisher's) owns it. Time comes from the injected clock.
 */
public final class SparkplugSession {
    private final SparkplugTopics topics;
    private final LongSupplier epochMillis;
    private final SparkplugBPayloadEncoder encoder = new SparkplugBPayloadEncoder();

    /** Born devices -> the values last sent for each metric. */
    private final Map<String, Map<String, Object>> born = new LinkedHashMap<>();

    private int nextBdSeq;
    private int bdSeq = -1;
    private int seq = -1;
    private boolean nodeBorn;

    /**
     * @param firstBdSeq the bdSeq of the first connection attempt, 0..255
     * @param epochMillis the clock for payload timestamps, ms since the epoch
     */
    public SparkplugSession(SparkplugTopics topics, int firstBdSeq, LongSupplier epochMillis) {
        if (firstBdSeq < 0 || firstBdSeq > 255) {
            throw new IllegalArgumentException("firstBdSeq must be in 0..255, got " + firstBdSeq);
        }
        this.topics = Objects.requireNonNull(topics, "topics");
        this.epochMillis = Objects.requireNonNull(epochMillis, "epochMillis");
        this.nextBdSeq = firstBdSeq;
    }

    public SparkplugTopics topics() {
        return topics;
    }

    /** The bdSeq of the current (or last) connection attempt; -1 before the first. */
    public int bdSeq() {
        return bdSeq;
    }

    /** The seq of the last message built; -1 before the first NBIRTH. */
    public int seq() {
        return seq;
    }

    /** Whether an NBIRTH was built since the last {@link #beginConnect}. */
    public boolean isNodeBorn() {
        return nodeBorn;
    }

    /**
     * Starts a connection attempt: takes the next bdSeq and returns the NDEATH to register as the
     * MQTT Will (QoS 1, not retained). Everything born before is forgotten: the next connection
     * starts with {@link #births}.
     */
    public SparkplugMessage beginConnect() {
        bdSeq = nextBdSeq;
        nextBdSeq = (nextBdSeq + 1) & 0xFF;
        nodeBorn = false;
        born.clear();
        return death();
    }

    /**
     * The NDEATH of the current connection, for the Will and for a clean disconnect (a broker does
     * not publish the Will after a DISCONNECT).
     */
    public SparkplugMessage death() {
        requireConnecting();
        long now = epochMillis.getAsLong();
        SparkplugBPayload p = new SparkplugBPayload(new Date(now), new ArrayList<>());
        p.addMetric(metric(bdSeqMetric(now), false));
        return new SparkplugMessage(
                MessageType.NDEATH, null, topics.ndeath(), encode(p, false), -1, 1);
    }

    /**
     * The birth certificates, after a connect or for a rebirth: the NBIRTH (seq 0, bdSeq, Node
     * Control/Rebirth = false), then a DBIRTH per device of {@code latest} with all its metrics.
     *
     * @param latest the newest twin state, or null if there is none yet (NBIRTH only)
     */
    public List<SparkplugMessage> births(TwinState latest) {
        requireConnecting();
        long now = epochMillis.getAsLong();
        born.clear();
        List<SparkplugMessage> out = new ArrayList<>();
        SparkplugBPayload p = new SparkplugBPayload(new Date(now), new ArrayList<>());
        seq = 0;
        p.setSeq(0L);
        p.addMetric(metric(bdSeqMetric(now), false));
        p.addMetric(
                metric(
                        new MetricValue(
                                SparkplugMeta.METRIC_NODE_REBIRTH,
                                MetricDataType.Boolean,
                                false,
                                null),
                        now,
                        false));
        out.add(
                new SparkplugMessage(
                        MessageType.NBIRTH, null, topics.nbirth(), encode(p, false), 0, 0));
        nodeBorn = true;
        if (latest != null) {
            long sampled = sampleMillis(latest);
            for (Map.Entry<String, List<MetricValue>> d : TwinMetrics.devices(latest).entrySet()) {
                out.add(deviceBirth(d.getKey(), d.getValue(), sampled));
            }
        }
        return out;
    }

    /**
     * The messages that bring subscribers from what was sent to {@code state}: DDEATH for devices
     * gone, DBIRTH for new ones, DDATA with the changed metrics of the others.
     *
     * @throws IllegalStateException before {@link #births}
     */
    public List<SparkplugMessage> update(TwinState state) {
        if (!nodeBorn) {
            throw new IllegalStateException("update before the NBIRTH of this connection");
        }
        long sampled = sampleMillis(state);
        Map<String, List<MetricValue>> devices = TwinMetrics.devices(state);
        List<SparkplugMessage> out = new ArrayList<>();
        for (Iterator<String> it = born.keySet().iterator(); it.hasNext(); ) {
            String deviceId = it.next();
            if (!devices.containsKey(deviceId)) {
                it.remove();
                SparkplugBPayload p =
                        new SparkplugBPayload(new Date(epochMillis.getAsLong()), new ArrayList<>());
                int s = nextSeq();
                p.setSeq((long) s);
                out.add(
                        new SparkplugMessage(
                                MessageType.DDEATH,
                                deviceId,
                                topics.ddeath(deviceId),
                                encode(p, true),
                                s,
                                0));
            }
        }
        for (Map.Entry<String, List<MetricValue>> d : devices.entrySet()) {
            Map<String, Object> last = born.get(d.getKey());
            if (last == null || !last.keySet().equals(names(d.getValue()))) {
                out.add(deviceBirth(d.getKey(), d.getValue(), sampled));
                continue;
            }
            List<Metric> changed = new ArrayList<>();
            for (MetricValue m : d.getValue()) {
                if (!Objects.equals(last.get(m.name()), m.value())) {
                    last.put(m.name(), m.value());
                    changed.add(metric(m, sampled, false));
                }
            }
            if (!changed.isEmpty()) {
                SparkplugBPayload p =
                        new SparkplugBPayload(new Date(epochMillis.getAsLong()), changed);
                int s = nextSeq();
                p.setSeq((long) s);
                // Sparkplug 3.0: DATA messages should not repeat the datatypes of the birth.
                out.add(
                        new SparkplugMessage(
                                MessageType.DDATA,
                                d.getKey(),
                                topics.ddata(d.getKey()),
                                encode(p, true),
                                s,
                                0));
            }
        }
        return out;
    }

    private SparkplugMessage deviceBirth(String deviceId, List<MetricValue> metrics, long sampled) {
        SparkplugBPayload p =
                new SparkplugBPayload(new Date(epochMillis.getAsLong()), new ArrayList<>());
        Map<String, Object> values = new LinkedHashMap<>();
        for (MetricValue m : metrics) {
            p.addMetric(metric(m, sampled, true));
            values.put(m.name(), m.value());
        }
        born.put(deviceId, values);
        int s = nextSeq();
        p.setSeq((long) s);
        return new SparkplugMessage(
                MessageType.DBIRTH, deviceId, topics.dbirth(deviceId), encode(p, false), s, 0);
    }

    private int nextSeq() {
        seq = (seq + 1) & 0xFF;
        return seq;
    }

    private MetricValue bdSeqMetric(long now) {
        // Int64 as Tahu's reference edge node and Ignition's MQTT Transmission send it.
        return new MetricValue(
                SparkplugMeta.SPARKPLUG_BD_SEQUENCE_NUMBER_KEY,
                MetricDataType.Int64,
                (long) bdSeq,
                null);
    }

    private Metric metric(MetricValue m, boolean withProperties) {
        return metric(m, epochMillis.getAsLong(), withProperties);
    }

    private static Metric metric(MetricValue m, long timestampMillis, boolean withProperties) {
        try {
            Metric.MetricBuilder b =
                    new Metric.MetricBuilder(m.name(), m.type(), m.value())
                            .timestamp(new Date(timestampMillis));
            if (withProperties && m.unit() != null) {
                PropertySet props =
                        new PropertySet.PropertySetBuilder()
                                .addProperty(
                                        "engUnit",
                                        new PropertyValue<>(PropertyDataType.String, m.unit()))
                                .createPropertySet();
                b.properties(props);
            }
            return b.createMetric();
        } catch (SparkplugInvalidTypeException e) {
            throw new IllegalStateException(
                    "metric " + m.name() + ": " + m.type() + " does not fit " + m.value(), e);
        }
    }

    private byte[] encode(SparkplugBPayload p, boolean stripDataTypes) {
        try {
            return encoder.getBytes(p, stripDataTypes);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding a Sparkplug B payload failed", e);
        }
    }

    private static java.util.Set<String> names(List<MetricValue> metrics) {
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        for (MetricValue m : metrics) {
            names.add(m.name());
        }
        return names;
    }

    private static long sampleMillis(TwinState s) {
        return Math.floorDiv(s.captureTimeNanos(), 1_000_000L);
    }

    private void requireConnecting() {
        if (bdSeq < 0) {
            throw new IllegalStateException("no connection attempt yet: call beginConnect first");
        }
    }
}
