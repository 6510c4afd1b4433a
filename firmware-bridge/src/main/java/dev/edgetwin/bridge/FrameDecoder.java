package dev.edgetwin.bridge;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns a byte stream (arbitrary chunks, as a serial port or socket delivers them) into envelopes.
 * Never throws on bad input: each rejected frame is counted under its {@link ProtocolError} and
 * decoding resumes after the next 0x00. Memory is bounded: a frame longer than {@link
 * FrameCodec#MAX_FRAME_LENGTH} (delimiter included) is counted as {@link
 * ProtocolError#FRAME_TOO_LONG} as soon as it overflows, and its bytes are discarded up to the next
 * 0x00. Empty frames (consecutive 0x00) are ignored.
 *
 * <p>Not thread-safe: one reader thread feeds it and may read the counters; other threads read the
 * counters only after handing over through a happens-before edge.
 *
 * <p>Invariant: {@code framesDecoded() + errors()} equals the number of non-empty frames completed
 * by a 0x00 plus the number of frames that overflowed.
 */
public final class FrameDecoder {
    private final byte[] pending = new byte[Wire.MAX_ENCODED_LENGTH];
    private final Wire.Parser parser = new Wire.Parser();
    private final long[] errorCounts = new long[ProtocolError.values().length];
    private int pendingLength;
    private boolean discarding;
    private long bytesReceived;
    private long framesDecoded;
    private long errors;

    /** Feeds all of {@code bytes}; see {@link #feed(byte[], int, int, Consumer)}. */
    public int feed(byte[] bytes, Consumer<? super Envelope> sink) {
        return feed(bytes, 0, bytes.length, sink);
    }

    /**
     * Feeds {@code length} bytes from {@code offset}, passing each decoded envelope to {@code sink}
     * in order. An exception thrown by the sink propagates; the decoder stays consistent (the frame
     * is counted as decoded, the rest of the chunk is not consumed).
     *
     * @return the number of envelopes passed to the sink
     */
    public int feed(byte[] bytes, int offset, int length, Consumer<? super Envelope> sink) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        Objects.requireNonNull(sink, "sink");
        int delivered = 0;
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            bytesReceived++;
            if (b == 0) {
                int n = pendingLength;
                pendingLength = 0;
                if (discarding) {
                    discarding = false;
                } else if (n > 0) {
                    Envelope envelope = parser.decode(pending, 0, n);
                    if (envelope == null) {
                        count(parser.error());
                    } else {
                        framesDecoded++;
                        delivered++;
                        sink.accept(envelope);
                    }
                }
            } else if (!discarding) {
                if (pendingLength == pending.length) {
                    count(ProtocolError.FRAME_TOO_LONG);
                    discarding = true;
                    pendingLength = 0;
                } else {
                    pending[pendingLength++] = b;
                }
            }
        }
        return delivered;
    }

    /** Bytes fed so far, delimiters included. */
    public long bytesReceived() {
        return bytesReceived;
    }

    /** Frames decoded into envelopes so far. */
    public long framesDecoded() {
        return framesDecoded;
    }

    /** Frames rejected so far, all causes. */
    public long errors() {
        return errors;
    }

    /** Frames rejected so far for {@code error}. */
    public long errors(ProtocolError error) {
        return errorCounts[error.ordinal()];
    }

    /** The non-zero error counts, for logs and link reports. */
    public Map<ProtocolError, Long> errorCounts() {
        Map<ProtocolError, Long> counts = new EnumMap<>(ProtocolError.class);
        for (ProtocolError e : ProtocolError.values()) {
            if (errorCounts[e.ordinal()] > 0) {
                counts.put(e, errorCounts[e.ordinal()]);
            }
        }
        return counts;
    }

    /** Bytes of an unfinished frame waiting for its delimiter (0 while discarding). */
    public int pendingBytes() {
        return pendingLength;
    }

    private void count(ProtocolError error) {
        errors++;
        errorCounts[error.ordinal()]++;
    }
}
