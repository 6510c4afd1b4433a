package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.bridge.Message.VelocityCommand;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FrameCodecTest {

    static Stream<Envelope> envelopes() {
        return TestVectors.envelopes().stream();
    }

    @ParameterizedTest
    @MethodSource("envelopes")
    void everyMessageRoundTrips(Envelope envelope) throws ProtocolException {
        byte[] frame = FrameCodec.encode(envelope);
        assertEquals(0, frame[frame.length - 1], "ends with the delimiter");
        for (int i = 0; i < frame.length - 1; i++) {
            assertTrue(frame[i] != 0, "no zero inside the frame");
        }
        assertTrue(frame.length <= FrameCodec.MAX_FRAME_LENGTH);
        assertEquals(envelope, FrameCodec.decode(frame));
        assertEquals(envelope, FrameCodec.decode(Arrays.copyOf(frame, frame.length - 1)));
    }

    @Test
    void everyMessageTypeIsCovered() {
        assertEquals(
                Wire.Type.values().length,
                envelopes().map(e -> Wire.Type.of(e.message())).distinct().count());
    }

    @Test
    void velocityCommandLayoutByHand() {
        // version 1, type 0x10, seq 0x0203, length 6; vx 500 mm/s, vy -1 mm/s, wz 0x0102 mrad/s
        byte[] raw = new byte[Wire.MAX_RAW_LENGTH];
        int n = Wire.writeRaw(new Envelope(0x0203, new VelocityCommand(0.5, -0.001, 0.258)), raw);
        assertEquals(
                "01" + "10" + "0302" + "06" + "f401" + "ffff" + "0201",
                HexFormat.of().formatHex(raw, 0, n - 4));
        assertEquals(Crc32c.compute(raw, 0, n - 4), Wire.getI32(raw, n - 4));
    }

    @Test
    void decodeErrorsCarryTheirCodeAndSayWhatWasExpected() {
        ProtocolException e =
                assertThrows(
                        ProtocolException.class,
                        () -> FrameCodec.decode(HexFormat.of().parseHex("0401101500")));
        assertEquals(ProtocolError.FRAME_TOO_SHORT, e.error());
        assertEquals("FRAME_TOO_SHORT: frame has 3 bytes, at least 9 expected", e.getMessage());

        byte[] raw = TestVectors.raw(1, 0x10, 1, 6, new byte[6]);
        raw[5] ^= 1;
        e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(Cobs.encode(raw)));
        assertEquals(ProtocolError.CRC_MISMATCH, e.error());
        assertTrue(e.getMessage().startsWith("CRC_MISMATCH: frame carries CRC-32C 0x"));

        e =
                assertThrows(
                        ProtocolException.class,
                        () ->
                                FrameCodec.decode(
                                        Cobs.encode(
                                                TestVectors.raw(
                                                        1,
                                                        0x21,
                                                        2,
                                                        6,
                                                        new byte[] {1, 2, 3, 4, 0x11, 0x27}))));
        assertEquals(ProtocolError.INVALID_FIELD, e.error());
        assertEquals(
                "INVALID_FIELD: BATTERY: stateOfCharge = 1.0001 is outside [0, 1]"
                        + " (wire steps of 0.0001)",
                e.getMessage());

        e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(new byte[0]));
        assertEquals(ProtocolError.FRAME_TOO_SHORT, e.error());
    }

    @Test
    void everySingleBitFlipIsDetected() throws ProtocolException {
        Random random = new Random(3);
        for (Envelope envelope : TestVectors.envelopes()) {
            byte[] frame = FrameCodec.encode(envelope);
            for (int bit = 0; bit < (frame.length - 1) * 8; bit++) {
                byte[] flipped = frame.clone();
                flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                byte[] body = Arrays.copyOf(flipped, flipped.length - 1);
                assertThrows(ProtocolException.class, () -> FrameCodec.decode(body), "bit " + bit);
            }
            // and random multi-byte corruption is rejected, never mistaken for a message
            for (int trial = 0; trial < 200; trial++) {
                byte[] corrupt = Arrays.copyOf(frame, frame.length - 1);
                int at = random.nextInt(corrupt.length);
                corrupt[at] = (byte) (corrupt[at] ^ (1 + random.nextInt(255)));
                int at2 = random.nextInt(corrupt.length);
                corrupt[at2] = (byte) (corrupt[at2] ^ (1 + random.nextInt(255)));
                try {
                    assertEquals(envelope, FrameCodec.decode(corrupt)); // only if undone
                } catch (ProtocolException expected) {
                    // rejected, as it should be
                }
            }
        }
    }
}
