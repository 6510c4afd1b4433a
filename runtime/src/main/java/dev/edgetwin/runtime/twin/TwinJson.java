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
    public static final String STATE_SCHEMA = "edgetwin/twin-state/3";

    /** The status payload's layout. */
    public static final String STATUS_SCHEMA = "edgetwin/status/1";

    /** The event payload's layout. */
    public static final String EVENT_SCHEMA = "edgetwin/twin-event/2";

    /** The command response's layout ({@code docs/schemas/command-response-1.schema.json}). */
    public static final String COMMAND_RESPONSE_SCHEMA = "edgetwin/command-response/1";

    /** The {@code schema} of answers to model commands. */
    public static final String MODEL_COMMAND_RESPONSE_SCHEMA = "edgetwin/model-command-response/1";

    /** The {@code schema} of model lifecycle events. */
    public static final String MODEL_EVENT_SCHEMA = "edgetwin/model-event/1";

    private static final JsonFactory FACTORY = new JsonFactory();

    private TwinJson() {}

    /** The state payload, stamped with the message's epoch and sequence numbers. */
    public static byte[] encodeState(TwinState s, MessageStamp stamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + 160 * s.objects().size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", STATE_SCHEMA);
            g.writeStringField("site", s.site());
            g.writeStringField("robot", s.robotId());
            writeStamp(g, stamp);
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
            g.writeNumberField("fps", round(s.health().fps(), 100));
            g.writeNumberField("latencyP50Millis", round(s.health().latencyP50Millis(), 100));
            g.writeNumberField("latencyP99Millis", round(s.health().latencyP99Millis(), 100));
            g.writeNumberField("outboxBacklog", s.health().outboxBacklog());
            g.writeNumberField("outboxDropped", s.health().outboxDropped());
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the twin state failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The status payload, retained. The Last Will is a status with {@code online == false} and no
     * stamp (the broker sends it, so it cannot carry a sequence number): it carries the epoch of
     * the session it ends.
     *
     * @param stamp the message's numbers; null for the Last Will
     */
    public static byte[] encodeStatus(
            String site,
            String robotId,
            boolean online,
            long timeMillis,
            long epoch,
            MessageStamp stamp) {
        if (stamp != null && stamp.epoch() != epoch) {
            throw new IllegalArgumentException(
                    "the stamp's epoch " + stamp.epoch() + " is not the status's epoch " + epoch);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(192);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", STATUS_SCHEMA);
            g.writeStringField("site", site);
            g.writeStringField("robot", robotId);
            if (stamp != null) {
                writeStamp(g, stamp);
            } else {
                g.writeNumberField("epoch", epoch);
            }
            g.writeStringField("state", online ? "online" : "offline");
            g.writeStringField("time", Instant.ofEpochMilli(timeMillis).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the status failed", e);
        }
        return out.toByteArray();
    }

    /** The event payload. */
    public static byte[] encodeEvent(
            String site, String robotId, TwinEvent event, MessageStamp stamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", EVENT_SCHEMA);
            g.writeStringField("site", site);
            g.writeStringField("robot", robotId);
            writeStamp(g, stamp);
            g.writeStringField("type", event.type());
            g.writeStringField("time", instant(event.timeNanos()).toString());
            g.writeObjectFieldStart("object");
            g.writeNumberField("id", event.objectId());
            g.writeStringField("class", event.objectClass());
            g.writeNumberField("x", round(event.x(), 1000));
            g.writeNumberField("y", round(event.y(), 1000));
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the event failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The response to a command, valid or not.
     *
     * @param id the command's id, null if it had none that could be read
     * @param command the command's name, null if it was not a known command
     * @param timeMillis when the robot answered
     */
    public static byte[] encodeCommandResponse(
            String site,
            String robotId,
            String id,
            String command,
            CommandVerdict verdict,
            long timeMillis,
            MessageStamp stamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", COMMAND_RESPONSE_SCHEMA);
            g.writeStringField("site", site);
            g.writeStringField("robot", robotId);
            writeStamp(g, stamp);
            g.writeStringField("id", id); // null when unreadable
            g.writeStringField("command", command);
            g.writeStringField("status", verdict.status().wire());
            if (verdict.reason() != null) {
                g.writeStringField("error", verdict.reason());
            }
            g.writeStringField("time", Instant.ofEpochMilli(timeMillis).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the command response failed", e);
        }
        return out.toByteArray();
    }

    /** A model lifecycle transition, for {@code model/event}. */
    public static byte[] encodeModelTransition(
            String site,
            String robotId,
            dev.edgetwin.runtime.bundle.ModelTransition t,
            MessageStamp stamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", MODEL_EVENT_SCHEMA);
            g.writeStringField("site", site);
            g.writeStringField("robot", robotId);
            writeStamp(g, stamp);
            g.writeStringField("type", t.kind().wire());
            g.writeStringField("name", t.name()); // null: refused before the manifest was read
            g.writeStringField("version", t.version());
            if (t.from() != null) {
                g.writeStringField("from", t.from());
            }
            if (t.reason() != null) {
                g.writeStringField("reason", t.reason());
            }
            g.writeStringField("message", t.message());
            g.writeStringField("time", Instant.ofEpochMilli(t.timeMillis()).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the model event failed", e);
        }
        return out.toByteArray();
    }

    /** The answer to a model command, for {@code model/command/response}. */
    public static byte[] encodeModelCommandReply(
            String site,
            String robotId,
            ModelCommandListener.ModelCommandReply r,
            MessageStamp stamp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("schema", MODEL_COMMAND_RESPONSE_SCHEMA);
            g.writeStringField("site", site);
            g.writeStringField("robot", robotId);
            writeStamp(g, stamp);
            g.writeStringField("id", r.id());
            g.writeStringField("command", r.command());
            g.writeStringField("status", r.verdict().status().wire());
            if (r.verdict().reason() != null) {
                g.writeStringField("error", r.verdict().reason());
            }
            if (r.code() != null) {
                g.writeStringField("reason", r.code());
            }
            if (r.transfer() != null) {
                g.writeObjectFieldStart("transfer");
                g.writeStringField("id", r.transfer());
                g.writeNumberField("received", r.received());
                g.writeNumberField("count", r.count());
                g.writeEndObject();
            }
            if (r.model() != null) {
                g.writeStringField("model", r.model());
            }
            g.writeStringField("time", Instant.ofEpochMilli(r.timeMillis()).toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the model command reply failed", e);
        }
        return out.toByteArray();
    }

    private static void writeStamp(JsonGenerator g, MessageStamp stamp) throws IOException {
        g.writeNumberField("epoch", stamp.epoch());
        g.writeNumberField("msgSeq", stamp.msgSeq());
        g.writeNumberField("prevMsgSeq", stamp.prevMsgSeq());
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
