package dev.edgetwin.runtime.sparkplug;

import static dev.edgetwin.runtime.sparkplug.TwinStates.T0;
import static dev.edgetwin.runtime.sparkplug.TwinStates.lostBox;
import static dev.edgetwin.runtime.sparkplug.TwinStates.person;
import static dev.edgetwin.runtime.sparkplug.TwinStates.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.runtime.twin.TwinTopics;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.MessageType;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.junit.jupiter.api.Test;

class SparkplugSessionTest {
    private static final RobotPose POSE = new RobotPose(4.2104, 0.5, 0.12345);
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private final SparkplugTopics topics = new SparkplugTopics("site-a", "robot-7");

    /** What a host application knows: datatypes per device and metric, from the births. */
    private final Map<String, MetricDataTypeMap> hostTypes = new HashMap<>();

    private SparkplugSession session(int firstBdSeq) {
        return new SparkplugSession(topics, firstBdSeq, clock::get);
    }

    @Test
    void birthsDecodeWithTahuWithNamesTypesValuesAndUnits() throws Exception {
        SparkplugSession s = session(0);
        SparkplugMessage will = s.beginConnect();
        List<SparkplugMessage> births = s.births(state(5, POSE, person(12, 9.87449), lostBox(3)));

        assertEquals(
                List.of(
                        "NBIRTH spBv1.0/site-a/NBIRTH/robot-7 seq=0",
                        "DBIRTH spBv1.0/site-a/DBIRTH/robot-7/twin seq=1",
                        "DBIRTH spBv1.0/site-a/DBIRTH/robot-7/object-12 seq=2",
                        "DBIRTH spBv1.0/site-a/DBIRTH/robot-7/object-3 seq=3"),
                births.stream().map(m -> m.type() + " " + m.topic() + " seq=" + m.seq()).toList());
        births.forEach(m -> assertEquals(0, m.qos(), m.toString()));

        SparkplugBPayload nbirth = decode(births.get(0));
        assertEquals(0L, nbirth.getSeq());
        assertEquals(new Date(clock.get()), nbirth.getTimestamp());
        assertMetric(nbirth, "bdSeq", MetricDataType.Int64, 0L);
        assertMetric(nbirth, "Node Control/Rebirth", MetricDataType.Boolean, false);
        assertEquals(bdSeqOf(decode(will)), bdSeqOf(nbirth));

        SparkplugBPayload twin = decode(births.get(1));
        assertEquals(1L, twin.getSeq());
        assertEquals(19, twin.getMetricCount());
        assertMetric(twin, "pose/x", MetricDataType.Double, 4.21);
        assertMetric(twin, "pose/y", MetricDataType.Double, 0.5);
        assertMetric(twin, "pose/yaw", MetricDataType.Double, 0.123);
        assertMetric(twin, "camera", MetricDataType.String, "front");
        assertMetric(twin, "seq", MetricDataType.Int64, 5L);
        assertMetric(
                twin,
                "captureTime",
                MetricDataType.DateTime,
                new Date((T0 + 500_000_000L) / 1_000_000));
        assertMetric(twin, "objects/count", MetricDataType.Int32, 2);
        assertMetric(twin, "model/file", MetricDataType.String, "det.onnx");
        assertMetric(twin, "model/precision", MetricDataType.String, "int8");
        assertMetric(twin, "health/framesCaptured", MetricDataType.Int64, 7L);
        assertMetric(twin, "health/framesDropped", MetricDataType.Int64, 2L);
        assertMetric(twin, "health/inferenceMillis", MetricDataType.Double, 6.23);
        assertMetric(twin, "health/fps", MetricDataType.Double, 0.0);
        assertMetric(twin, "health/latencyP99Millis", MetricDataType.Double, 0.0);
        assertEquals("Hz", unit(twin, "health/fps"));
        assertEquals("m", unit(twin, "pose/x"));
        assertEquals("rad", unit(twin, "pose/yaw"));
        assertEquals("ms", unit(twin, "health/inferenceMillis"));
        assertNull(unit(twin, "camera"));
        // Metric timestamps are the frame's capture time, in ms.
        assertEquals(
                new Date((T0 + 500_000_000L) / 1_000_000), metric(twin, "pose/x").getTimestamp());

        SparkplugBPayload p = decode(births.get(2));
        assertEquals(17, p.getMetricCount());
        assertMetric(p, "class", MetricDataType.String, "person");
        assertMetric(p, "track", MetricDataType.String, "seen");
        assertMetric(p, "confidence", MetricDataType.Double, 0.988);
        assertMetric(p, "x", MetricDataType.Double, 9.874);
        assertMetric(p, "y", MetricDataType.Double, 1.212);
        assertMetric(p, "vx", MetricDataType.Double, 0.812);
        assertMetric(p, "cov/xx", MetricDataType.Double, 0.012346);
        assertMetric(p, "cov/xy", MetricDataType.Double, -0.001234);
        assertMetric(p, "range", MetricDataType.Double, 5.432);
        assertMetric(p, "box/y2", MetricDataType.Double, 301.3);
        assertMetric(p, "lastSeen", MetricDataType.DateTime, new Date(T0 / 1_000_000));
        assertEquals("m/s", unit(p, "vx"));
        assertEquals("m^2", unit(p, "cov/yy"));
        assertEquals("px", unit(p, "box/x1"));

        SparkplugBPayload box = decode(births.get(3));
        assertMetric(box, "track", MetricDataType.String, "lost");
        Metric x1 = metric(box, "box/x1");
        assertEquals(MetricDataType.Double, x1.getDataType());
        assertTrue(x1.isNull(), "no image box this frame: a null metric");
    }

    @Test
    void dataCarriesOnlyChangedMetricsWithoutDatatypes() throws Exception {
        SparkplugSession s = session(0);
        s.beginConnect();
        births(s, state(5, POSE, person(12, 9.874), lostBox(3)));

        // Next frame: the person moved 2 cm; the box did not change; nor did the pose.
        List<SparkplugMessage> data = s.update(state(6, POSE, person(12, 9.894), lostBox(3)));
        assertEquals(
                List.of("DDATA twin seq=4", "DDATA object-12 seq=5"),
                data.stream().map(m -> m.type() + " " + m.deviceId() + " seq=" + m.seq()).toList());
        SparkplugBPayload twin = decode(data.get(0));
        assertEquals(
                List.of("seq", "captureTime", "health/framesCaptured", "health/framesProcessed"),
                names(twin));
        assertMetric(twin, "seq", MetricDataType.Int64, 6L);
        SparkplugBPayload person = decode(data.get(1));
        assertEquals(List.of("x"), names(person));
        assertMetric(person, "x", MetricDataType.Double, 9.894);
        // Sparkplug 3.0: no datatype in DATA; a host takes it from the birth.
        for (SparkplugBProto.Payload.Metric m :
                SparkplugBProto.Payload.parseFrom(data.get(1).payload()).getMetricsList()) {
            assertFalse(m.hasDatatype(), m.getName());
            assertFalse(m.hasProperties(), m.getName());
        }

        // Sub-millimetre jitter is not a change.
        assertEquals(
                List.of("twin"),
                s.update(state(7, POSE, person(12, 9.8941), lostBox(3))).stream()
                        .map(SparkplugMessage::deviceId)
                        .toList());
    }

    @Test
    void aRemovedTrackDiesAndANewOneIsBorn() throws Exception {
        SparkplugSession s = session(0);
        s.beginConnect();
        births(s, state(1, POSE, person(12, 9.874), lostBox(3)));

        List<SparkplugMessage> out = s.update(state(2, POSE, person(12, 9.874), person(13, 2.0)));
        assertEquals(
                List.of("DDEATH object-3 seq=4", "DDATA twin seq=5", "DBIRTH object-13 seq=6"),
                out.stream().map(m -> m.type() + " " + m.deviceId() + " seq=" + m.seq()).toList());
        SparkplugBPayload death = decode(out.get(0));
        assertEquals(4L, death.getSeq());
        assertEquals(0, death.getMetricCount());
        assertEquals("spBv1.0/site-a/DDEATH/robot-7/object-3", out.get(0).topic());
        SparkplugBPayload twin = decode(out.get(1));
        // Still two objects: only the frame's own metrics changed.
        assertEquals(
                List.of("seq", "captureTime", "health/framesCaptured", "health/framesProcessed"),
                names(twin));
        assertEquals(17, decode(out.get(2)).getMetricCount());
    }

    @Test
    void seqWrapsFrom255To0AndEveryMessageAfterTheNbirthTakesTheNext() throws Exception {
        SparkplugSession s = session(0);
        s.beginConnect();
        List<Integer> seqs = new ArrayList<>();
        for (SparkplugMessage m : s.births(state(0, POSE))) {
            seqs.add(m.seq());
            decode(m);
        }
        for (int i = 1; i <= 400; i++) {
            // Alternate objects in and out, so births, data and deaths all take numbers.
            List<SparkplugMessage> out =
                    i % 3 == 0
                            ? s.update(state(i, POSE, person(i, 1.0)))
                            : s.update(state(i, POSE));
            for (SparkplugMessage m : out) {
                seqs.add(m.seq());
                assertEquals(m.seq(), decode(m).getSeq().intValue(), m.toString());
            }
        }
        assertEquals(0, seqs.get(0), "NBIRTH");
        for (int i = 1; i < seqs.size(); i++) {
            assertEquals((seqs.get(i - 1) + 1) % 256, seqs.get(i), "message " + i);
        }
        assertTrue(seqs.size() > 512, "wrapped at least twice: " + seqs.size());
        assertTrue(seqs.indexOf(255) >= 0 && seqs.get(seqs.indexOf(255) + 1) == 0);
    }

    @Test
    void bdSeqIsTheWillsInTheNbirthIncrementsPerConnectAndWraps() throws Exception {
        SparkplugSession s = session(254);
        List<Long> wills = new ArrayList<>();
        List<Long> nbirths = new ArrayList<>();
        for (int attempt = 0; attempt < 3; attempt++) {
            SparkplugMessage will = s.beginConnect();
            assertEquals(MessageType.NDEATH, will.type());
            assertEquals("spBv1.0/site-a/NDEATH/robot-7", will.topic());
            assertEquals(1, will.qos(), "the Will is QoS 1");
            assertEquals(-1, will.seq());
            SparkplugBPayload death = decode(will);
            assertNull(death.getSeq(), "an NDEATH has no seq");
            wills.add(bdSeqOf(death));
            nbirths.add(bdSeqOf(decode(s.births(null).get(0))));
        }
        assertEquals(List.of(254L, 255L, 0L), wills);
        assertEquals(wills, nbirths);

        // A rebirth keeps the bdSeq and restarts seq at 0.
        s.update(state(1, POSE));
        List<SparkplugMessage> rebirth = s.births(state(2, POSE));
        assertEquals(0L, bdSeqOf(decode(rebirth.get(0))));
        assertEquals(0, rebirth.get(0).seq());
        assertEquals(1, rebirth.get(1).seq());
        assertEquals(0L, bdSeqOf(decode(s.death())));
    }

    @Test
    void theSessionRefusesMessagesBeforeItsConnection() {
        SparkplugSession s = session(0);
        assertThrows(IllegalStateException.class, () -> s.births(null));
        assertThrows(IllegalStateException.class, s::death);
        s.beginConnect();
        assertThrows(IllegalStateException.class, () -> s.update(state(1, POSE)));
        assertThrows(IllegalArgumentException.class, () -> session(256));
    }

    @Test
    void onlyABooleanTrueRebirthIsACommand() throws Exception {
        assertEquals(NodeCommand.Action.REBIRTH, command(topics.ncmd(), rebirth(true)));
        assertEquals(NodeCommand.Action.IGNORE, command(topics.ncmd(), rebirth(false)));
        assertEquals(
                NodeCommand.Action.IGNORE,
                command(topics.ncmd(), cmd("Node Control/Reboot", MetricDataType.Boolean, true)));
        assertEquals(
                NodeCommand.Action.IGNORE,
                command(topics.ncmd(), cmd("Node Control/Rebirth", MetricDataType.Int32, 1)));
        assertEquals(
                NodeCommand.Action.IGNORE,
                command(topics.ncmd(), new byte[] {(byte) 0xff, 0x01, 0x02, 0x7f}));
        assertEquals(NodeCommand.Action.IGNORE, command(topics.ncmd(), new byte[0]));
        // A data set (Tahu's DataSet model needs commons-compress, which is excluded): the raw
        // protobuf parse never builds one.
        byte[] dataSet =
                SparkplugBProto.Payload.newBuilder()
                        .addMetrics(
                                SparkplugBProto.Payload.Metric.newBuilder()
                                        .setName("Node Control/Rebirth")
                                        .setDatatype(MetricDataType.DataSet.toIntValue())
                                        .setDatasetValue(
                                                SparkplugBProto.Payload.DataSet.newBuilder()
                                                        .setNumOfColumns(1)
                                                        .addColumns("c")
                                                        .addTypes(11)))
                        .build()
                        .toByteArray();
        assertEquals(NodeCommand.Action.IGNORE, command(topics.ncmd(), dataSet));
        assertEquals(
                NodeCommand.Action.IGNORE,
                command("spBv1.0/site-a/NCMD/other-robot", rebirth(true)));
    }

    @Test
    void configNamesTheBadField() {
        SparkplugConfig ok =
                SparkplugConfig.forTwin(
                        "tcp://127.0.0.1:1883", new TwinTopics("site-a", "robot-7"), 5);
        assertEquals("site-a", ok.groupId());
        assertEquals("robot-7", ok.edgeNodeId());
        assertEquals(topics, ok.topics());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkplugConfig("tcp://h:1", "a/b", "n", "c", 5, 30, 0));
        assertTrue(e.getMessage().startsWith("groupId"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkplugConfig("tcp://h:1", "g", "n+", "c", 5, 30, 0));
        assertTrue(e.getMessage().startsWith("edgeNodeId"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkplugConfig("tcp://h:1", "g", "n", "c", 5, 0, 0));
        assertTrue(e.getMessage().startsWith("keepAliveSeconds"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkplugConfig("tcp://h:1", "g", "n", "c", 5, 30, 256));
        assertTrue(e.getMessage().startsWith("firstBdSeq"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkplugConfig("http://h:1", "g", "n", "c", 5, 30, 0));
        assertTrue(e.getMessage().startsWith("serverUri"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkplugConfig("tcp://h:1", "g", "n", "c", 0, 30, 0));
        assertTrue(e.getMessage().startsWith("maxRateHz"), e.getMessage());
    }

    // --- helpers ---

    static byte[] rebirth(boolean value) throws Exception {
        return cmd("Node Control/Rebirth", MetricDataType.Boolean, value);
    }

    static byte[] cmd(String name, MetricDataType type, Object value) throws Exception {
        SparkplugBPayload p = new SparkplugBPayload(new Date(), new ArrayList<>());
        p.addMetric(new Metric.MetricBuilder(name, type, value).createMetric());
        return new org.eclipse.tahu.message.SparkplugBPayloadEncoder().getBytes(p, false);
    }

    private NodeCommand.Action command(String topic, byte[] payload) {
        return NodeCommand.parse(topics, topic, payload);
    }

    private void births(SparkplugSession s, dev.edgetwin.runtime.twin.TwinState state)
            throws Exception {
        for (SparkplugMessage m : s.births(state)) {
            decode(m);
        }
    }

    /** Decodes as a host does: datatypes learnt from births, used for DATA. */
    private SparkplugBPayload decode(SparkplugMessage m) throws Exception {
        String key = m.deviceId() == null ? "" : m.deviceId();
        MetricDataTypeMap types =
                m.type() == MessageType.DDATA ? hostTypes.get(key) : new MetricDataTypeMap();
        SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(m.payload(), types);
        if (m.type() == MessageType.DBIRTH || m.type() == MessageType.NBIRTH) {
            MetricDataTypeMap learnt = new MetricDataTypeMap();
            for (Metric metric : p.getMetrics()) {
                learnt.addMetricDataType(metric.getName(), metric.getDataType());
            }
            hostTypes.put(key, learnt);
        }
        return p;
    }

    static long bdSeqOf(SparkplugBPayload p) {
        return (Long) metric(p, "bdSeq").getValue();
    }

    static Metric metric(SparkplugBPayload p, String name) {
        Map<String, Metric> byName = new LinkedHashMap<>();
        for (Metric m : p.getMetrics()) {
            byName.put(m.getName(), m);
        }
        Metric m = byName.get(name);
        if (m == null) {
            throw new AssertionError("no metric '" + name + "' in " + byName.keySet());
        }
        return m;
    }

    static void assertMetric(SparkplugBPayload p, String name, MetricDataType type, Object value) {
        Metric m = metric(p, name);
        assertEquals(type, m.getDataType(), name);
        assertEquals(value, m.getValue(), name);
    }

    private static String unit(SparkplugBPayload p, String name) {
        Metric m = metric(p, name);
        if (m.getProperties() == null || m.getProperties().getPropertyValue("engUnit") == null) {
            return null;
        }
        return (String) m.getProperties().getPropertyValue("engUnit").getValue();
    }

    private static List<String> names(SparkplugBPayload p) {
        return p.getMetrics().stream().map(Metric::getName).toList();
    }
}
