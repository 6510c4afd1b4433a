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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The shared test vectors (src/test/resources/vectors.txt): every message type at typical and
 * extreme values, and one broken frame per {@link ProtocolError}. Generated here, committed, and
 * checked by both the Java tests and c/etb_test.c.
 */
final class TestVectors {
    static final String RESOURCE = "/vectors.txt";

    record Vector(String description, byte[] frame) {
        String line() {
            return description + " | " + HexFormat.of().formatHex(frame);
        }
    }

    private TestVectors() {}

    /** One envelope of every kind, typical and extreme values. */
    static List<Envelope> envelopes() {
        int all =
                Hello.CAP_HOLONOMIC
                        | Hello.CAP_ODOMETRY
                        | Hello.CAP_BATTERY
                        | Hello.CAP_FAULTS
                        | Hello.CAP_STOP_DECELERATION;
        return List.of(
                new Envelope(0, new Hello(1, 0, 3, 1, all)),
                new Envelope(1, new Hello(1, 255, 255, 255, 0xFFFF_FFFF)),
                new Envelope(2, new Heartbeat(0)),
                new Envelope(65535, new Heartbeat(0xFFFF_FFFFL)),
                new Envelope(3, new VelocityCommand(0.5, 0, -0.25)),
                new Envelope(4, new VelocityCommand(-32.768, 32.767, 0.001)),
                new Envelope(256, new VelocityCommand(0, 0, 0)),
                new Envelope(5, new ControlledStop(0)),
                new Envelope(6, new ControlledStop(1.5)),
                new Envelope(7, new EStopLatch(3)),
                new Envelope(8, new EStopReset()),
                new Envelope(9, new Odometry(123_456, 12.345, -6.789, 3.1416, 0.5, 0, -0.1)),
                new Envelope(
                        10,
                        new Odometry(
                                0xFFFF_FFFFL,
                                -2_147_483.648,
                                2_147_483.647,
                                -3.2768,
                                32.767,
                                -32.768,
                                -32.768)),
                new Envelope(11, new Battery(24.1, 3.25, 0.875)),
                new Envelope(12, new Battery(0, -327.68, 1)),
                new Envelope(13, new Faults(Faults.MOTOR_STALLED | Faults.COMMAND_TIMEOUT, 0x0102)),
                new Envelope(14, new Faults(0, 0)),
                new Envelope(15, new Ack(3)),
                new Envelope(16, new Nack(4, Nack.Reason.ESTOP_LATCHED)));
    }

    static List<Vector> generate() {
        List<Vector> vectors = new ArrayList<>();
        for (Envelope e : envelopes()) {
            vectors.add(new Vector(Wire.describe(e), FrameCodec.encode(e)));
        }
        byte[] velocity = raw(1, 0x10, 17, 6, new byte[] {(byte) 0xF4, 1, 0, 0, 6, (byte) 0xFF});
        byte[] flipped = velocity.clone();
        flipped[6] ^= 0x10; // a payload bit flipped after the CRC was computed
        vectors.add(error(ProtocolError.CRC_MISMATCH, flipped));
        vectors.add(error(ProtocolError.UNSUPPORTED_VERSION, raw(2, 0x10, 17, 6, new byte[6])));
        vectors.add(error(ProtocolError.UNKNOWN_TYPE, raw(1, 0x7F, 18, 0, new byte[0])));
        vectors.add(error(ProtocolError.BAD_PAYLOAD_LENGTH, raw(1, 0x10, 19, 4, new byte[4])));
        vectors.add(error(ProtocolError.LENGTH_MISMATCH, raw(1, 0x10, 20, 6, new byte[5])));
        vectors.add(error(ProtocolError.FRAME_TOO_SHORT, new byte[] {1, 0x10, 21}));
        // state of charge 10001 basis points > 100 %
        vectors.add(
                error(
                        ProtocolError.INVALID_FIELD,
                        raw(1, 0x21, 22, 6, new byte[] {1, 2, 3, 4, 0x11, 0x27})));
        vectors.add(
                error(ProtocolError.INVALID_FIELD, raw(1, 0x13, 23, 4, new byte[] {1, 2, 3, 4})));
        vectors.add(error(ProtocolError.INVALID_FIELD, raw(1, 0x31, 24, 3, new byte[] {4, 0, 0})));
        vectors.add(
                new Vector(
                        "ERROR " + ProtocolError.COBS_INVALID,
                        new byte[] {0x05, 0x11, 0x22, 0x00}));
        byte[] tooLong = new byte[Wire.MAX_ENCODED_LENGTH + 2];
        Arrays.fill(tooLong, (byte) 0x01);
        tooLong[tooLong.length - 1] = 0;
        vectors.add(new Vector("ERROR " + ProtocolError.FRAME_TOO_LONG, tooLong));
        return vectors;
    }

    static String fileText() {
        StringBuilder text = new StringBuilder();
        text.append(
                "# edgetwin firmware protocol v1 test vectors: <decoded wire integers> | <frame hex>\n");
        text.append(
                "# The frame is the COBS bytes and the 0x00 delimiter. Generated by TestVectors.java\n");
        text.append(
                "# (regenerate: see firmware-bridge/README.md); checked by VectorsFileTest and c/etb_test.c.\n");
        for (Vector v : generate()) {
            text.append(v.line()).append('\n');
        }
        return text.toString();
    }

    static List<Vector> parse(String text) {
        List<Vector> vectors = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int bar = line.indexOf('|');
            vectors.add(
                    new Vector(
                            line.substring(0, bar).trim(),
                            HexFormat.of().parseHex(line.substring(bar + 1).trim())));
        }
        return vectors;
    }

    /** What a decoder should say about {@code frame}: its fields, or ERROR and the code. */
    static String decodeToText(byte[] frame) {
        try {
            return Wire.describe(FrameCodec.decode(frame));
        } catch (ProtocolException e) {
            return "ERROR " + e.error();
        }
    }

    private static Vector error(ProtocolError error, byte[] raw) {
        byte[] encoded = Cobs.encode(raw);
        byte[] frame = Arrays.copyOf(encoded, encoded.length + 1);
        return new Vector("ERROR " + error, frame);
    }

    /** A raw frame with a correct CRC over whatever header and payload it is given. */
    static byte[] raw(int version, int type, int sequence, int declaredLength, byte[] payload) {
        byte[] raw = new byte[Wire.HEADER_LENGTH + payload.length + Wire.CRC_LENGTH];
        raw[0] = (byte) version;
        raw[1] = (byte) type;
        Wire.putU16(raw, 2, sequence);
        raw[4] = (byte) declaredLength;
        System.arraycopy(payload, 0, raw, Wire.HEADER_LENGTH, payload.length);
        int end = Wire.HEADER_LENGTH + payload.length;
        Wire.putU32(raw, end, Crc32c.compute(raw, 0, end));
        return raw;
    }
}
