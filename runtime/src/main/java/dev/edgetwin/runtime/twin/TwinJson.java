package dev.edgetwin.runtime.twin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON encoding of the twin, as documented in docs/twin-protocol.md. Field order is fixed and
 * numbers are rounded to what the measurement supports (millimetres, milliradians).
 *
 * <p>Thread-safe.
 */
public final class TwinJson {
    /** Identifies the payload's layout; bumped when a field changes meaning or disappears. */
    public static final String STATE_SCHEMA = "edgetwin/twin-state/1";

    private static final JsonFactory FACTORY = new JsonFactory();

    private TwinJson() {}

    public static byte[] encodeState(TwinState s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 160 * s.objects().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", STATE_SCHEMA);
            g.writeStringField("site", s.site());
            g.writeStringField("robot", s.robotId());
            g.writeNumberField("seq", s.seq());
            g.writeStringField("time", instant(s.captureTimeNanos()).toString());
            g.writeNumberField("captureTimeNanos", s.captureTimeNanos());
            g.writeStringField("camera", s.cameraId());
            g.writeObjectFieldStart("pose");
            g.writeNumberField("x", round(s.pose().x(), 1000));
            g.writeNumberField("y", round(s.pose().y(), 1000));
            g.writeNumberField("yaw", round(s.pose().yaw(), 1000));
            g.writeEndObject();
            g.writeArrayFieldStart("objects");
            for (ObservedObject o : s.objects()) {
                g.writeStartObject();
                g.writeNumberField("id", o.id());
                g.writeStringField("class", o.label());
                g.writeStringField("track", o.seen() ? "seen" : "lost");
                g.writeNumberField("confidence", round(o.confidence(), 1000));
                g.writeNumberField("x", round(o.x(), 1000));
                g.writeNumberField("y", round(o.y(), 1000));
                g.writeNumberField("vx", round(o.vx(), 1000));
                g.writeNumberField("vy", round(o.vy(), 1000));
                g.writeArrayFieldStart("cov");
                g.writeNumber(round(o.varX(), 1_000_000));
                g.writeNumber(round(o.covXY(), 1_000_000));
                g.writeNumber(round(o.varY(), 1_000_000));
                g.writeEndArray();
                g.writeNumberField("range", round(o.range(), 1000));
                if (o.hasBox()) {
                    g.writeArrayFieldStart("box");
                    g.writeNumber(round(o.boxX1(), 10));
                    g.writeNumber(round(o.boxY1(), 10));
                    g.writeNumber(round(o.boxX2(), 10));
                    g.writeNumber(round(o.boxY2(), 10));
                    g.writeEndArray();
                }
                g.writeStringField("firstSeen", instant(o.firstSeenNanos()).toString());
                g.writeStringField("lastSeen", instant(o.lastSeenNanos()).toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("model");
            g.writeStringField("file", s.model().file());
            g.writeStringField("sha256", s.model().sha256());
            g.writeStringField("version", s.model().version());
            g.writeStringField("executionProvider", s.model().executionProvider());
            g.writeStringField("precision", s.model().precision());
            g.writeEndObject();
            g.writeObjectFieldStart("health");
            g.writeNumberField("framesCaptured", s.health().framesCaptured());
            g.writeNumberField("framesDropped", s.health().framesDropped());
            g.writeNumberField("framesProcessed", s.health().framesProcessed());
            g.writeNumberField("inferenceMillis", round(s.health().inferenceMillis(), 100));
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the twin state failed", e);
        }
        return out.toByteArray();
    }

    /** The status payload, retained, also used as the Last Will with {@code online == false}. */
    public static byte[] encodeStatus(
            String site, String robotId, boolean online, long timeMillis) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("site", site);
            g.writeStringField("robot", robotId);
            g.writeStringField("state", online ? "online" : "offline");
            g.writeStringField("time", Instant.ofEpochMilli(timeMillis).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the status failed", e);
        }
        return out.toByteArray();
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(
                Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L));
    }

    private static double round(double v, double per) {
        return Math.round(v * per) / per;
    }
}
