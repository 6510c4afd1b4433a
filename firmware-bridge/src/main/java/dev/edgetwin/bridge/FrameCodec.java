package dev.edgetwin.bridge;

import java.util.Arrays;

/**
 * Encodes envelopes into wire frames and decodes single frames (docs/firmware-protocol.md). For a
 * byte stream, use {@link FrameDecoder}. Stateless and thread-safe.
 */
public final class FrameCodec {
    /** The protocol version this codec speaks. */
    public static final int PROTOCOL_VERSION = Wire.VERSION;

    /** The longest frame on the wire in this version, including its 0x00 delimiter. */
    public static final int MAX_FRAME_LENGTH = Wire.MAX_ENCODED_LENGTH + 1;

    private FrameCodec() {}

    /** The frame for {@code envelope}: COBS bytes followed by the 0x00 delimiter. */
    public static byte[] encode(Envelope envelope) {
        byte[] raw = new byte[Wire.MAX_RAW_LENGTH];
        int n = Wire.writeRaw(envelope, raw);
        byte[] frame = new byte[Cobs.maxEncodedLength(n) + 1];
        int m = Cobs.encode(raw, 0, n, frame, 0);
        frame[m] = 0;
        return Arrays.copyOf(frame, m + 1);
    }

    /**
     * Decodes one frame: its COBS bytes, with or without the trailing 0x00 delimiter.
     *
     * @throws ProtocolException naming what was expected and what was found
     */
    public static Envelope decode(byte[] frame) throws ProtocolException {
        int length = frame.length;
        if (length > 0 && frame[length - 1] == 0) {
            length--;
        }
        Wire.Parser parser = new Wire.Parser();
        Envelope envelope = parser.decode(frame, 0, length);
        if (envelope == null) {
            throw new ProtocolException(parser.error(), parser.detail());
        }
        return envelope;
    }
}
