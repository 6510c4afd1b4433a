package dev.edgetwin.bridge;

import dev.edgetwin.bridge.Message.Ack;
import dev.edgetwin.bridge.Message.Battery;
import dev.edgetwin.bridge.Message.ControlledStop;
import dev.edgetwin.bridge.Message.EStopLatch;
import dev.edgetwin.bridge.Message.EStopReset;
import dev.edgetwin.bridge.Message.Faults;
import dev.edgetwin.bridge.Message.Heartbeat;
import dev.edgetwin.bridge.Message.Hello;
import dev.edgetwin.bridge.Message.Nack;
import dev.edgetwin.bridge.Message.Odometry;
import dev.edgetwin.bridge.Message.VelocityCommand;

/**
 * Protocol version 1 on the wire (docs/firmware-protocol.md): header, payload layouts, CRC and
 * COBS. Every multi-byte field is little-endian.
 *
 * <pre>
 * raw frame = version u8 | type u8 | sequence u16 | payload length u8 | payload | CRC-32C u32
 * wire      = COBS(raw frame) | 0x00
 * </pre>
 */
final class Wire {
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 5;
    static final int CRC_LENGTH = 4;
    static final int MAX_PAYLOAD_LENGTH = 48;
    static final int MAX_RAW_LENGTH = HEADER_LENGTH + MAX_PAYLOAD_LENGTH + CRC_LENGTH;

    /** The longest COBS-encoded frame, without its delimiter. */
    static final int MAX_ENCODED_LENGTH = Cobs.maxEncodedLength(MAX_RAW_LENGTH);

    /** "RSET" as bytes 52 53 45 54: the confirmation an e-stop reset must carry. */
    static final int ESTOP_RESET_KEY = 0x54455352;

    static final Field SEQUENCE = Field.integer("sequence", 0, 0xFFFF);
    static final Field PROTOCOL = Field.integer("protocolVersion", 1, 0xFF);
    static final Field VERSION_MAJOR = Field.integer("versionMajor", 0, 0xFF);
    static final Field VERSION_MINOR = Field.integer("versionMinor", 0, 0xFF);
    static final Field VERSION_PATCH = Field.integer("versionPatch", 0, 0xFF);
    static final Field UPTIME = Field.integer("uptimeMillis", 0, 0xFFFF_FFFFL);
    static final Field CMD_VX = new Field("vx", "m/s", 1000, Short.MIN_VALUE, Short.MAX_VALUE);
    static final Field CMD_VY = new Field("vy", "m/s", 1000, Short.MIN_VALUE, Short.MAX_VALUE);
    static final Field CMD_WZ = new Field("wz", "rad/s", 1000, Short.MIN_VALUE, Short.MAX_VALUE);
    static final Field STOP_DECEL = new Field("deceleration", "m/s^2", 1000, 0, 0xFFFF);
    static final Field ESTOP_REASON = Field.integer("reason", 0, 0xFFFF);
    static final Field ODO_TIME = Field.integer("timeMillis", 0, 0xFFFF_FFFFL);
    static final Field ODO_X = new Field("x", "m", 1000, Integer.MIN_VALUE, Integer.MAX_VALUE);
    static final Field ODO_Y = new Field("y", "m", 1000, Integer.MIN_VALUE, Integer.MAX_VALUE);
    static final Field ODO_YAW = new Field("yaw", "rad", 10000, Short.MIN_VALUE, Short.MAX_VALUE);
    static final Field ODO_VX = CMD_VX;
    static final Field ODO_VY = CMD_VY;
    static final Field ODO_WZ = CMD_WZ;
    static final Field BAT_VOLTAGE = new Field("voltage", "V", 1000, 0, 0xFFFF);
    static final Field BAT_CURRENT =
            new Field("current", "A", 100, Short.MIN_VALUE, Short.MAX_VALUE);
    static final Field BAT_SOC = new Field("stateOfCharge", "", 10000, 0, 10000);
    static final Field FAULT_CODE = Field.integer("code", 0, 0xFFFF);
    static final Field ACKED = Field.integer("sequence", 0, 0xFFFF);

    /** Message type codes and payload lengths. */
    enum Type {
        HELLO(0x01, 8),
        HEARTBEAT(0x02, 4),
        VELOCITY_COMMAND(0x10, 6),
        CONTROLLED_STOP(0x11, 2),
        ESTOP_LATCH(0x12, 2),
        ESTOP_RESET(0x13, 4),
        ODOMETRY(0x20, 20),
        BATTERY(0x21, 6),
        FAULTS(0x22, 6),
        ACK(0x30, 2),
        NACK(0x31, 3);

        private static final Type[] BY_CODE = new Type[256];

        static {
            for (Type t : values()) {
                BY_CODE[t.code] = t;
            }
        }

        final int code;
        final int payloadLength;

        Type(int code, int payloadLength) {
            this.code = code;
            this.payloadLength = payloadLength;
        }

        static Type ofCode(int code) {
            return BY_CODE[code & 0xFF];
        }

        static Type of(Message m) {
            if (m instanceof Hello) {
                return HELLO;
            } else if (m instanceof Heartbeat) {
                return HEARTBEAT;
            } else if (m instanceof VelocityCommand) {
                return VELOCITY_COMMAND;
            } else if (m instanceof ControlledStop) {
                return CONTROLLED_STOP;
            } else if (m instanceof EStopLatch) {
                return ESTOP_LATCH;
            } else if (m instanceof EStopReset) {
                return ESTOP_RESET;
            } else if (m instanceof Odometry) {
                return ODOMETRY;
            } else if (m instanceof Battery) {
                return BATTERY;
            } else if (m instanceof Faults) {
                return FAULTS;
            } else if (m instanceof Ack) {
                return ACK;
            } else if (m instanceof Nack) {
                return NACK;
            }
            throw new AssertionError(m); // Message is sealed
        }
    }

    private Wire() {}

    /** Writes the raw (unstuffed) frame into {@code raw} and returns its length. */
    static int writeRaw(Envelope envelope, byte[] raw) {
        Message m = envelope.message();
        Type type = Type.of(m);
        raw[0] = (byte) VERSION;
        raw[1] = (byte) type.code;
        putU16(raw, 2, envelope.sequence());
        raw[4] = (byte) type.payloadLength;
        int p = HEADER_LENGTH;
        if (m instanceof Hello h) {
            raw[p] = (byte) h.protocolVersion();
            raw[p + 1] = (byte) h.versionMajor();
            raw[p + 2] = (byte) h.versionMinor();
            raw[p + 3] = (byte) h.versionPatch();
            putU32(raw, p + 4, h.capabilities());
        } else if (m instanceof Heartbeat h) {
            putU32(raw, p, h.uptimeMillis());
        } else if (m instanceof VelocityCommand v) {
            putU16(raw, p, CMD_VX.toRaw(v.vx()));
            putU16(raw, p + 2, CMD_VY.toRaw(v.vy()));
            putU16(raw, p + 4, CMD_WZ.toRaw(v.wz()));
        } else if (m instanceof ControlledStop s) {
            putU16(raw, p, STOP_DECEL.toRaw(s.deceleration()));
        } else if (m instanceof EStopLatch e) {
            putU16(raw, p, e.reason());
        } else if (m instanceof EStopReset) {
            putU32(raw, p, ESTOP_RESET_KEY);
        } else if (m instanceof Odometry o) {
            putU32(raw, p, o.timeMillis());
            putU32(raw, p + 4, ODO_X.toRaw(o.x()));
            putU32(raw, p + 8, ODO_Y.toRaw(o.y()));
            putU16(raw, p + 12, ODO_YAW.toRaw(o.yaw()));
            putU16(raw, p + 14, ODO_VX.toRaw(o.vx()));
            putU16(raw, p + 16, ODO_VY.toRaw(o.vy()));
            putU16(raw, p + 18, ODO_WZ.toRaw(o.wz()));
        } else if (m instanceof Battery b) {
            putU16(raw, p, BAT_VOLTAGE.toRaw(b.voltage()));
            putU16(raw, p + 2, BAT_CURRENT.toRaw(b.current()));
            putU16(raw, p + 4, BAT_SOC.toRaw(b.stateOfCharge()));
        } else if (m instanceof Faults f) {
            putU32(raw, p, f.active());
            putU16(raw, p + 4, f.code());
        } else if (m instanceof Ack a) {
            putU16(raw, p, a.sequence());
        } else if (m instanceof Nack n) {
            putU16(raw, p, n.sequence());
            raw[p + 2] = (byte) n.reason().code();
        }
        int end = HEADER_LENGTH + type.payloadLength;
        putU32(raw, end, Crc32c.compute(raw, 0, end));
        return end + CRC_LENGTH;
    }

    /**
     * Turns raw frames into envelopes without throwing: one instance per reader thread, it keeps
     * the last error's code and detail until the next call.
     */
    static final class Parser {
        private final byte[] raw = new byte[MAX_ENCODED_LENGTH];
        private ProtocolError error;
        private String detail;

        ProtocolError error() {
            return error;
        }

        String detail() {
            return detail;
        }

        /** Decodes a COBS frame without its delimiter; null (and {@link #error()}) on failure. */
        Envelope decode(byte[] encoded, int offset, int length) {
            if (length > MAX_ENCODED_LENGTH) {
                return fail(
                        ProtocolError.FRAME_TOO_LONG,
                        "frame has "
                                + length
                                + " COBS bytes, at most "
                                + MAX_ENCODED_LENGTH
                                + " expected");
            }
            if (length == 0) {
                return fail(ProtocolError.FRAME_TOO_SHORT, "empty frame");
            }
            int n = Cobs.decode(encoded, offset, length, raw, 0);
            if (n < 0) {
                return fail(
                        ProtocolError.COBS_INVALID,
                        "the " + length + " bytes between delimiters are not valid COBS");
            }
            return parse(raw, n);
        }

        private Envelope parse(byte[] raw, int n) {
            error = null;
            detail = null;
            if (n < HEADER_LENGTH + CRC_LENGTH) {
                return fail(
                        ProtocolError.FRAME_TOO_SHORT,
                        "frame has "
                                + n
                                + " bytes, at least "
                                + (HEADER_LENGTH + CRC_LENGTH)
                                + " expected");
            }
            int carried = getI32(raw, n - CRC_LENGTH);
            int computed = Crc32c.compute(raw, 0, n - CRC_LENGTH);
            if (carried != computed) {
                return fail(
                        ProtocolError.CRC_MISMATCH,
                        String.format(
                                "frame carries CRC-32C 0x%08x, computed 0x%08x",
                                carried, computed));
            }
            int version = raw[0] & 0xFF;
            if (version != VERSION) {
                return fail(
                        ProtocolError.UNSUPPORTED_VERSION,
                        "protocol version " + version + ", expected " + VERSION);
            }
            int payloadLength = raw[4] & 0xFF;
            int actual = n - HEADER_LENGTH - CRC_LENGTH;
            if (payloadLength != actual) {
                return fail(
                        ProtocolError.LENGTH_MISMATCH,
                        "header says " + payloadLength + " payload bytes, frame has " + actual);
            }
            Type type = Type.ofCode(raw[1]);
            if (type == null) {
                return fail(
                        ProtocolError.UNKNOWN_TYPE,
                        String.format("message type 0x%02x is not defined", raw[1] & 0xFF));
            }
            if (payloadLength != type.payloadLength) {
                return fail(
                        ProtocolError.BAD_PAYLOAD_LENGTH,
                        type
                                + " has "
                                + type.payloadLength
                                + " payload bytes, frame has "
                                + payloadLength);
            }
            int sequence = getU16(raw, 2);
            try {
                return new Envelope(sequence, payload(type, raw, HEADER_LENGTH));
            } catch (IllegalArgumentException e) {
                return fail(ProtocolError.INVALID_FIELD, type + ": " + e.getMessage());
            }
        }

        private Envelope fail(ProtocolError e, String message) {
            error = e;
            detail = message;
            return null;
        }
    }

    private static Message payload(Type type, byte[] b, int p) {
        return switch (type) {
            case HELLO ->
                    new Hello(
                            b[p] & 0xFF,
                            b[p + 1] & 0xFF,
                            b[p + 2] & 0xFF,
                            b[p + 3] & 0xFF,
                            getI32(b, p + 4));
            case HEARTBEAT -> new Heartbeat(getU32(b, p));
            case VELOCITY_COMMAND ->
                    new VelocityCommand(
                            CMD_VX.fromRaw(getI16(b, p)),
                            CMD_VY.fromRaw(getI16(b, p + 2)),
                            CMD_WZ.fromRaw(getI16(b, p + 4)));
            case CONTROLLED_STOP -> new ControlledStop(STOP_DECEL.fromRaw(getU16(b, p)));
            case ESTOP_LATCH -> new EStopLatch(getU16(b, p));
            case ESTOP_RESET -> {
                int key = getI32(b, p);
                if (key != ESTOP_RESET_KEY) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "key = 0x%08x, expected 0x%08x (\"RSET\")",
                                    key, ESTOP_RESET_KEY));
                }
                yield new EStopReset();
            }
            case ODOMETRY ->
                    new Odometry(
                            getU32(b, p),
                            ODO_X.fromRaw(getI32(b, p + 4)),
                            ODO_Y.fromRaw(getI32(b, p + 8)),
                            ODO_YAW.fromRaw(getI16(b, p + 12)),
                            ODO_VX.fromRaw(getI16(b, p + 14)),
                            ODO_VY.fromRaw(getI16(b, p + 16)),
                            ODO_WZ.fromRaw(getI16(b, p + 18)));
            case BATTERY ->
                    new Battery(
                            BAT_VOLTAGE.fromRaw(getU16(b, p)),
                            BAT_CURRENT.fromRaw(getI16(b, p + 2)),
                            BAT_SOC.fromRaw(getU16(b, p + 4))); // the record rejects > 1
            case FAULTS -> new Faults(getI32(b, p), getU16(b, p + 4));
            case ACK -> new Ack(getU16(b, p));
            case NACK -> new Nack(getU16(b, p), Nack.Reason.ofCode(b[p + 2] & 0xFF));
        };
    }

    /**
     * The wire integers of an envelope as one line, the format {@code c/etb_test.c} prints: the
     * shared test vectors compare Java and C decoding through it.
     */
    static String describe(Envelope e) {
        String head = Type.of(e.message()) + " seq=" + e.sequence();
        Message m = e.message();
        if (m instanceof Hello h) {
            return head
                    + " protocol="
                    + h.protocolVersion()
                    + " major="
                    + h.versionMajor()
                    + " minor="
                    + h.versionMinor()
                    + " patch="
                    + h.versionPatch()
                    + " capabilities="
                    + Integer.toUnsignedString(h.capabilities());
        } else if (m instanceof Heartbeat h) {
            return head + " uptime_ms=" + h.uptimeMillis();
        } else if (m instanceof VelocityCommand v) {
            return head
                    + " vx_mm_s="
                    + CMD_VX.toRaw(v.vx())
                    + " vy_mm_s="
                    + CMD_VY.toRaw(v.vy())
                    + " wz_mrad_s="
                    + CMD_WZ.toRaw(v.wz());
        } else if (m instanceof ControlledStop s) {
            return head + " decel_mm_s2=" + STOP_DECEL.toRaw(s.deceleration());
        } else if (m instanceof EStopLatch l) {
            return head + " reason=" + l.reason();
        } else if (m instanceof Odometry o) {
            return head
                    + " time_ms="
                    + o.timeMillis()
                    + " x_mm="
                    + ODO_X.toRaw(o.x())
                    + " y_mm="
                    + ODO_Y.toRaw(o.y())
                    + " yaw_100urad="
                    + ODO_YAW.toRaw(o.yaw())
                    + " vx_mm_s="
                    + ODO_VX.toRaw(o.vx())
                    + " vy_mm_s="
                    + ODO_VY.toRaw(o.vy())
                    + " wz_mrad_s="
                    + ODO_WZ.toRaw(o.wz());
        } else if (m instanceof Battery b) {
            return head
                    + " voltage_mV="
                    + BAT_VOLTAGE.toRaw(b.voltage())
                    + " current_cA="
                    + BAT_CURRENT.toRaw(b.current())
                    + " soc_bp="
                    + BAT_SOC.toRaw(b.stateOfCharge());
        } else if (m instanceof Faults f) {
            return head + " active=" + Integer.toUnsignedString(f.active()) + " code=" + f.code();
        } else if (m instanceof Ack a) {
            return head + " acked=" + a.sequence();
        } else if (m instanceof Nack n) {
            return head + " acked=" + n.sequence() + " reason=" + n.reason().code();
        }
        return head; // ESTOP_RESET carries only its fixed key
    }

    static void putU16(byte[] b, int at, long v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    static int getU16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    static short getI16(byte[] b, int at) {
        return (short) getU16(b, at);
    }

    static int getI32(byte[] b, int at) {
        return getU16(b, at) | getU16(b, at + 2) << 16;
    }

    static long getU32(byte[] b, int at) {
        return getI32(b, at) & 0xFFFF_FFFFL;
    }
}
