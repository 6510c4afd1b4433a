package dev.edgetwin.runtime.mqtt.outbox;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The outbox's on-disk framing, shared by segment files and the acknowledgement log. All integers
 * are big-endian.
 *
 * <pre>
 * file   = header(8) frame*
 * header = magic(4: "ETOB" segment | "ETAK" ack log) version(1) = 1, priority ordinal(1) (0 in
 *          the ack log), reserved(2) = 0
 * frame  = length(4) crc(4) seq(8) body
 *          length = 8 + body length; crc = CRC32C over the length's 4 bytes, then seq and body
 * segment body = qos(1) flags(1: bit 0 retained) topicLength(2) topic(UTF-8) payload
 * ack-log body = type(1): 1 = seq acknowledged, 2 = every seq up to this one has been assigned
 * </pre>
 */
final class RecordFormat {
    static final int FRAME_HEADER_BYTES = 8;
    static final int SEQ_BYTES = 8;
    static final int SEGMENT_HEADER_BYTES = 8;
    static final int SEGMENT_BODY_FIXED_BYTES = 4;
    static final int SEGMENT_MAGIC = 0x45544F42; // "ETOB"
    static final int ACK_LOG_MAGIC = 0x4554414B; // "ETAK"
    static final byte VERSION = 1;
    static final byte ACK = 1;
    static final byte ASSIGNED_THROUGH = 2;
    static final int ACK_FRAME_BYTES = FRAME_HEADER_BYTES + SEQ_BYTES + 1;

    private RecordFormat() {}

    static int messageFrameBytes(int topicBytes, int payloadBytes) {
        return FRAME_HEADER_BYTES
                + SEQ_BYTES
                + SEGMENT_BODY_FIXED_BYTES
                + topicBytes
                + payloadBytes;
    }

    static ByteBuffer header(int magic, int priorityOrdinal) {
        ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER_BYTES);
        b.putInt(magic).put(VERSION).put((byte) priorityOrdinal).putShort((short) 0).flip();
        return b;
    }

    /** Writes a message frame into {@code buf} (a heap buffer, cleared, large enough) and flips. */
    static void encodeMessage(
            ByteBuffer buf, CRC32C crc, long seq, byte[] topic, OutboxMessage message) {
        buf.clear();
        int length = SEQ_BYTES + SEGMENT_BODY_FIXED_BYTES + topic.length + message.payload().length;
        buf.putInt(length).putInt(0).putLong(seq);
        buf.put((byte) message.qos()).put((byte) (message.retained() ? 1 : 0));
        buf.putShort((short) topic.length).put(topic).put(message.payload());
        buf.putInt(4, crc(buf.array(), buf.arrayOffset(), length, crc));
        buf.flip();
    }

    /** Writes an ack-log frame into {@code buf} (heap, cleared, at least ACK_FRAME_BYTES). */
    static void encodeAck(ByteBuffer buf, CRC32C crc, long seq, byte type) {
        buf.clear();
        buf.putInt(SEQ_BYTES + 1).putInt(0).putLong(seq).put(type);
        buf.putInt(4, crc(buf.array(), buf.arrayOffset(), SEQ_BYTES + 1, crc));
        buf.flip();
    }

    private static int crc(byte[] a, int frameStart, int length, CRC32C crc) {
        crc.reset();
        crc.update(a, frameStart, 4);
        crc.update(a, frameStart + FRAME_HEADER_BYTES, length);
        return (int) crc.getValue();
    }

    static int length(byte[] a, int pos) {
        return ByteBuffer.wrap(a, pos, 4).getInt();
    }

    static long seq(byte[] a, int frameStart) {
        return ByteBuffer.wrap(a, frameStart + FRAME_HEADER_BYTES, 8).getLong();
    }

    /**
     * The end of a frame at {@code pos} whose length is within bounds and whose CRC matches, or -1.
     */
    static int validFrameEnd(
            byte[] a, int pos, int limit, int minLength, int maxFrame, CRC32C crc) {
        if (pos < 0 || limit - pos < FRAME_HEADER_BYTES + SEQ_BYTES) {
            return -1;
        }
        int length = length(a, pos);
        if (length < minLength
                || length > maxFrame - FRAME_HEADER_BYTES
                || length > limit - pos - FRAME_HEADER_BYTES) {
            return -1;
        }
        int stored = ByteBuffer.wrap(a, pos + 4, 4).getInt();
        if (crc(a, pos, length, crc) != stored) {
            return -1;
        }
        return pos + FRAME_HEADER_BYTES + length;
    }

    /** Whether a message frame's body is self-consistent (qos, topic length within the frame). */
    static boolean messageBodyConsistent(byte[] a, int pos, int end) {
        int body = pos + FRAME_HEADER_BYTES + SEQ_BYTES;
        if (end - body < SEGMENT_BODY_FIXED_BYTES) {
            return false;
        }
        int qos = a[body];
        int topicLength = ((a[body + 2] & 0xFF) << 8) | (a[body + 3] & 0xFF);
        return qos >= 0
                && qos <= 2
                && topicLength > 0
                && topicLength <= end - body - SEGMENT_BODY_FIXED_BYTES;
    }

    /** Decodes a message frame that passed its CRC; null if its body is inconsistent. */
    static OutboxEntry decodeMessage(byte[] a, int pos, int end, Priority priority) {
        ByteBuffer b = ByteBuffer.wrap(a, pos, end - pos);
        b.position(pos + FRAME_HEADER_BYTES);
        long seq = b.getLong();
        int qos = b.get();
        int flags = b.get();
        int topicLength = Short.toUnsignedInt(b.getShort());
        if (qos < 0 || qos > 2 || topicLength == 0 || topicLength > b.remaining()) {
            return null;
        }
        String topic = new String(a, b.position(), topicLength, StandardCharsets.UTF_8);
        b.position(b.position() + topicLength);
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        try {
            return new OutboxEntry(
                    seq, new OutboxMessage(topic, payload, qos, (flags & 1) != 0, priority));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** What {@link #scan} found. */
    record Scan(int corruptRuns, int tailStart) {}

    /** Told each frame that passed its CRC. */
    interface FrameSink {
        /** Whether the frame fits its neighbours (no side effects); false treats it as corrupt. */
        boolean plausible(int pos, int end);

        /** Takes a valid, plausible frame. */
        void accept(int pos, int end);
    }

    /**
     * Walks the frames of {@code a} from {@code start}: each valid frame goes to {@code sink}; an
     * invalid one starts a corrupt run that ends at the next position where a valid frame starts
     * (the one its length points to is tried first). If no valid frame follows, the bytes from the
     * invalid one on are a torn tail: {@link Scan#tailStart()} is where they begin.
     */
    static Scan scan(byte[] a, int start, int minLength, int maxFrame, CRC32C crc, FrameSink sink) {
        int pos = start;
        int corrupt = 0;
        int n = a.length;
        while (pos < n) {
            int end = validFrameEnd(a, pos, n, minLength, maxFrame, crc);
            if (end > 0 && sink.plausible(pos, end)) {
                sink.accept(pos, end);
                pos = end;
                continue;
            }
            int next = resync(a, pos, minLength, maxFrame, crc, sink);
            if (next < 0) {
                return new Scan(corrupt, pos);
            }
            corrupt++;
            pos = next;
        }
        return new Scan(corrupt, n);
    }

    private static int resync(
            byte[] a, int bad, int minLength, int maxFrame, CRC32C crc, FrameSink sink) {
        int n = a.length;
        if (n - bad >= 4) {
            long skip = (long) bad + FRAME_HEADER_BYTES + length(a, bad);
            if (skip > bad && skip < n) {
                int end = validFrameEnd(a, (int) skip, n, minLength, maxFrame, crc);
                if (end > 0 && sink.plausible((int) skip, end)) {
                    return (int) skip;
                }
            }
        }
        for (int q = bad + 1; q + FRAME_HEADER_BYTES + SEQ_BYTES <= n; q++) {
            int end = validFrameEnd(a, q, n, minLength, maxFrame, crc);
            if (end > 0 && sink.plausible(q, end)) {
                return q;
            }
        }
        return -1;
    }
}
