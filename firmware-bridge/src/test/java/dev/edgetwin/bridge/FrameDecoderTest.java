package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.bridge.Message.VelocityCommand;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private final FrameDecoder decoder = new FrameDecoder();
    private final List<Envelope> received = new ArrayList<>();

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] frame(int sequence) {
        return FrameCodec.encode(
                new Envelope(sequence, new VelocityCommand(0.001 * sequence, 0, -0.5)));
    }

    private void feed(byte[] bytes) {
        decoder.feed(bytes, received::add);
    }

    private void assertConsistent() {
        assertEquals(received.size(), decoder.framesDecoded());
        assertEquals(
                decoder.errors(),
                decoder.errorCounts().values().stream().mapToLong(Long::longValue).sum());
        assertTrue(decoder.pendingBytes() <= FrameCodec.MAX_FRAME_LENGTH - 1);
    }

    @Test
    void decodesEveryFrameWhateverTheChunking() {
        List<Envelope> sent = TestVectors.envelopes();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (Envelope e : sent) {
            stream.writeBytes(FrameCodec.encode(e));
        }
        byte[] bytes = stream.toByteArray();
        Random random = new Random(11);
        for (int maxChunk : new int[] {1, 2, 3, 7, 64, bytes.length}) {
            FrameDecoder d = new FrameDecoder();
            List<Envelope> got = new ArrayList<>();
            int at = 0;
            while (at < bytes.length) {
                int n = Math.min(bytes.length - at, 1 + random.nextInt(maxChunk));
                d.feed(bytes, at, n, got::add);
                at += n;
            }
            assertEquals(sent, got, "chunks of at most " + maxChunk);
            assertEquals(0, d.errors());
            assertEquals(bytes.length, d.bytesReceived());
        }
    }

    @Test
    void garbageIsCountedAndDecodingResumesAtTheNextDelimiter() {
        byte[] garbage = new byte[500];
        new Random(5).nextBytes(garbage);
        feed(concat(garbage, new byte[] {0}, frame(1), garbage, new byte[] {0}, frame(2)));
        assertEquals(List.of(1, 2), received.stream().map(Envelope::sequence).toList());
        assertTrue(decoder.errors() > 0);
        assertConsistent();
    }

    @Test
    void aTruncatedFrameCostsOnlyItself() {
        byte[] cut = Arrays.copyOf(frame(1), 7);
        feed(concat(cut, new byte[] {0}, frame(2)));
        assertEquals(List.of(2), received.stream().map(Envelope::sequence).toList());
        assertEquals(1, decoder.errors());
        assertConsistent();
    }

    @Test
    void aMissingDelimiterCostsTheTwoFramesItJoins() {
        byte[] first = frame(1);
        byte[] joined = concat(Arrays.copyOf(first, first.length - 1), frame(2), frame(3));
        feed(joined);
        assertEquals(List.of(3), received.stream().map(Envelope::sequence).toList());
        assertEquals(1, decoder.errors());
        assertConsistent();
    }

    @Test
    void anyFlippedBitLosesAtMostTheFramesItTouches() {
        byte[] a = frame(1);
        byte[] b = frame(2);
        byte[] c = frame(3);
        for (int bit = 0; bit < a.length * 8; bit++) {
            byte[] flipped = a.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));
            FrameDecoder d = new FrameDecoder();
            List<Integer> got = new ArrayList<>();
            d.feed(concat(flipped, b, c), e -> got.add(e.sequence()));
            boolean delimiterHit = bit / 8 == a.length - 1; // a runs into b
            assertEquals(delimiterHit ? List.of(3) : List.of(2, 3), got, "bit " + bit);
            assertTrue(d.errors() >= 1, "bit " + bit);
        }
    }

    @Test
    void overLongFramesAreDroppedCountedOnceAndBounded() {
        byte[] run = new byte[10_000];
        Arrays.fill(run, (byte) 0x42);
        decoder.feed(run, received::add);
        assertEquals(1, decoder.errors(ProtocolError.FRAME_TOO_LONG));
        assertEquals(0, decoder.pendingBytes(), "discarding, not buffering");
        feed(concat(run, new byte[] {0}, frame(7)));
        assertEquals(List.of(7), received.stream().map(Envelope::sequence).toList());
        assertEquals(Map.of(ProtocolError.FRAME_TOO_LONG, 1L), decoder.errorCounts());
        assertConsistent();
    }

    @Test
    void aFrameOfExactlyTheLongestLengthIsNotTooLong() {
        int longest = FrameCodec.MAX_FRAME_LENGTH - 1;
        byte[] notCobs = new byte[longest + 1];
        Arrays.fill(notCobs, 0, longest, (byte) 1); // valid COBS: `longest - 1` zero bytes
        feed(notCobs);
        assertEquals(0, decoder.errors(ProtocolError.FRAME_TOO_LONG));
        assertEquals(1, decoder.errors(ProtocolError.CRC_MISMATCH));
        byte[] oneMore = new byte[longest + 2];
        Arrays.fill(oneMore, 0, longest + 1, (byte) 1);
        feed(oneMore);
        assertEquals(1, decoder.errors(ProtocolError.FRAME_TOO_LONG));
        assertConsistent();
    }

    @Test
    void emptyFramesAreIgnored() {
        feed(concat(new byte[] {0, 0, 0}, frame(1), new byte[] {0, 0}));
        assertEquals(1, received.size());
        assertEquals(0, decoder.errors());
    }

    @Test
    void aThrowingSinkLeavesTheDecoderConsistent() {
        byte[] two = concat(frame(1), frame(2));
        assertThrows(
                IllegalStateException.class,
                () ->
                        decoder.feed(
                                two,
                                e -> {
                                    throw new IllegalStateException("sink failed");
                                }));
        assertEquals(1, decoder.framesDecoded());
        assertEquals(0, decoder.pendingBytes());
        decoder.feed(frame(3), received::add);
        assertEquals(List.of(3), received.stream().map(Envelope::sequence).toList());
    }
}
