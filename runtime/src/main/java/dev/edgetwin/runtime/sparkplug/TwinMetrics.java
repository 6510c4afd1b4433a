package dev.edgetwin.runtime.sparkplug;

import dev.edgetwin.runtime.twin.ObservedObject;
import dev.edgetwin.runtime.twin.TwinState;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.message.model.MetricDataType;

/**
 * The twin as Sparkplug devices and metrics (docs/twin-protocol.md, "Sparkplug B"): a device
 * {@value #TWIN_DEVICE} with the robot's pose, model and health, and one device {@code object-<id>}
 * per tracked object. Every device of a kind always has the same metrics, so a device's DBIRTH
 * names everything its DDATA can carry; a value that does not exist (the image box of an object
 * this frame did not detect) is a null metric. Numbers are rounded as in the JSON codec
 * (millimetres, milliradians), so report by exception does not send noise.
 */
final class TwinMetrics {
    static final String TWIN_DEVICE = "twin";
    static final String OBJECT_DEVICE_PREFIX = "object-";

    private TwinMetrics() {}

    /** One metric value. {@code unit} goes into the birth's {@code engUnit} property. */
    record MetricValue(String name, MetricDataType type, Object value, String unit) {
        @Override
        public String toString() {
            return name + "=" + value;
        }
    }

    /** Device id -> its metrics, the twin device first, then objects in the state's order. */
    static Map<String, List<MetricValue>> devices(TwinState s) {
        Map<String, List<MetricValue>> devices = new LinkedHashMap<>();
        devices.put(TWIN_DEVICE, twin(s));
        for (ObservedObject o : s.objects()) {
            devices.put(objectDevice(o.id()), object(o));
        }
        return devices;
    }

    static String objectDevice(long trackId) {
        return OBJECT_DEVICE_PREFIX + trackId;
    }

    private static List<MetricValue> twin(TwinState s) {
        List<MetricValue> m = new ArrayList<>(20);
        m.add(dbl("pose/x", s.pose().x(), 1000, "m"));
        m.add(dbl("pose/y", s.pose().y(), 1000, "m"));
        m.add(dbl("pose/yaw", s.pose().yaw(), 1000, "rad"));
        m.add(str("camera", s.cameraId()));
        m.add(new MetricValue("seq", MetricDataType.Int64, s.seq(), null));
        m.add(time("captureTime", s.captureTimeNanos()));
        m.add(new MetricValue("objects/count", MetricDataType.Int32, s.objects().size(), null));
        m.add(str("model/file", s.model().file()));
        m.add(str("model/sha256", s.model().sha256()));
        m.add(str("model/version", s.model().version()));
        m.add(str("model/executionProvider", s.model().executionProvider()));
        m.add(str("model/precision", s.model().precision()));
        m.add(count("health/framesCaptured", s.health().framesCaptured()));
        m.add(count("health/framesDropped", s.health().framesDropped()));
        m.add(count("health/framesProcessed", s.health().framesProcessed()));
        m.add(dbl("health/inferenceMillis", s.health().inferenceMillis(), 100, "ms"));
        m.add(dbl("health/fps", s.health().fps(), 100, "Hz"));
        m.add(dbl("health/latencyP50Millis", s.health().latencyP50Millis(), 100, "ms"));
        m.add(dbl("health/latencyP99Millis", s.health().latencyP99Millis(), 100, "ms"));
        return m;
    }

    private static List<MetricValue> object(ObservedObject o) {
        List<MetricValue> m = new ArrayList<>(18);
        m.add(str("class", o.label()));
        m.add(str("track", o.seen() ? "seen" : "lost"));
        m.add(dbl("confidence", o.confidence(), 1000, null));
        m.add(dbl("x", o.x(), 1000, "m"));
        m.add(dbl("y", o.y(), 1000, "m"));
        m.add(dbl("vx", o.vx(), 1000, "m/s"));
        m.add(dbl("vy", o.vy(), 1000, "m/s"));
        m.add(dbl("cov/xx", o.varX(), 1_000_000, "m^2"));
        m.add(dbl("cov/xy", o.covXY(), 1_000_000, "m^2"));
        m.add(dbl("cov/yy", o.varY(), 1_000_000, "m^2"));
        m.add(dbl("range", o.range(), 1000, "m"));
        boolean box = o.hasBox();
        m.add(box ? dbl("box/x1", o.boxX1(), 10, "px") : nullDouble("box/x1", "px"));
        m.add(box ? dbl("box/y1", o.boxY1(), 10, "px") : nullDouble("box/y1", "px"));
        m.add(box ? dbl("box/x2", o.boxX2(), 10, "px") : nullDouble("box/x2", "px"));
        m.add(box ? dbl("box/y2", o.boxY2(), 10, "px") : nullDouble("box/y2", "px"));
        m.add(time("firstSeen", o.firstSeenNanos()));
        m.add(time("lastSeen", o.lastSeenNanos()));
        return m;
    }

    private static MetricValue dbl(String name, double v, double per, String unit) {
        // NaN and infinities cannot be rounded meaningfully; Sparkplug carries them as they are.
        double rounded = Double.isFinite(v) ? Math.round(v * per) / per : v;
        return new MetricValue(name, MetricDataType.Double, rounded, unit);
    }

    private static MetricValue nullDouble(String name, String unit) {
        return new MetricValue(name, MetricDataType.Double, null, unit);
    }

    private static MetricValue str(String name, String v) {
        return new MetricValue(name, MetricDataType.String, v, null);
    }

    private static MetricValue count(String name, long v) {
        return new MetricValue(name, MetricDataType.Int64, v, null);
    }

    /** DateTime metrics are milliseconds since the epoch (Sparkplug's resolution). */
    private static MetricValue time(String name, long epochNanos) {
        return new MetricValue(
                name,
                MetricDataType.DateTime,
                new Date(Math.floorDiv(epochNanos, 1_000_000L)),
                null);
    }
}
