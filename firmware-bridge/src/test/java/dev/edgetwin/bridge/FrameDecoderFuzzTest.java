package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of {@link FrameDecoder}: arbitrary chunks of arbitrary bytes, mixed with
 * frames that carry a correct CRC over fuzzer-chosen headers and payloads (so the checks behind the
 * CRC are reached too). The decoder must never throw, and its counters must agree with a model
 * computed from the bytes alone. Under {@code mvn test} this runs the committed inputs (regression
 * mode); fuzzing mode: see firmware-bridge/README.md.
 */
class FrameDecoderFuzzTest {
    private static final int MAX = Wire.MAX_ENCODED_LENGTH;

    @FuzzTest
    void streamDecoderNeverThrowsAndCountsEveryFrame(FuzzedDataProvider data) {
        FrameDecoder decoder = new FrameDecoder();
        List<Envelope> decoded = new ArrayList<>();
        ByteArrayOutputStream fed = new ByteArrayOutputStream();
        while (data.remainingBytes() > 0) {
            byte[] chunk;
            if (data.consumeBoolean()) {
                chunk = data.consumeBytes(data.consumeInt(0, 3 * MAX));
            } else {
                chunk = frameWithCorrectCrc(data.consumeBytes(data.consumeInt(0, MAX)));
            }
            int offset = chunk.length == 0 ? 0 : data.consumeInt(0, chunk.length);
            int delivered = decoder.feed(chunk, offset, chunk.length - offset, decoded::add);
            assertTrue(delivered >= 0 && delivered <= chunk.length);
            fed.write(chunk, offset, chunk.length - offset);
        }
        byte[] stream = fed.toByteArray();

        assertEquals(stream.length, decoder.bytesReceived());
        assertEquals(decoded.size(), decoder.framesDecoded());
        assertEquals(
                decoder.errors(),
                decoder.errorCounts().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(expectedOutcomes(stream), decoder.framesDecoded() + decoder.errors());
        assertTrue(decoder.pendingBytes() >= 0 && decoder.pendingBytes() <= MAX);
        for (Envelope e : decoded) {
            try {
                assertEquals(e, FrameCodec.decode(FrameCodec.encode(e)));
            } catch (ProtocolException ex) {
                throw new AssertionError("a decoded envelope does not round trip: " + e, ex);
            }
        }
    }

    /**
     * One outcome (decoded or error) per run of non-zero bytes ended by 0x00, plus one per run
     * longer than the bound (counted when it overflows, even if it never ends).
     */
    static long expectedOutcomes(byte[] stream) {
        long outcomes = 0;
        int run = 0;
        for (byte b : stream) {
            if (b == 0) {
                outcomes += run > 0 ? 1 : 0;
                run = 0;
            } else {
                run++;
            }
        }
        return outcomes + (run > MAX ? 1 : 0);
    }

    private static byte[] frameWithCorrectCrc(byte[] headerAndPayload) {
        byte[] raw = Arrays.copyOf(headerAndPayload, headerAndPayload.length + Wire.CRC_LENGTH);
        Wire.putU32(
                raw,
                headerAndPayload.length,
                Crc32c.compute(headerAndPayload, 0, headerAndPayload.length));
        byte[] encoded = Cobs.encode(raw);
        return Arrays.copyOf(encoded, encoded.length + 1);
    }
}
