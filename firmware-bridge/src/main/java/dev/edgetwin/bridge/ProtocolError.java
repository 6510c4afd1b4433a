package dev.edgetwin.bridge;

/**
 * Why a frame was rejected. The names are part of the protocol document and the C reference
 * implementation prints the same names ({@code ETB_ERR_*}).
 */
public enum ProtocolError {
    /** The bytes between two delimiters are not valid COBS (zero code, block past the end). */
    COBS_INVALID,
    /** Fewer bytes than a header and a CRC after COBS decoding. */
    FRAME_TOO_SHORT,
    /** More bytes than the longest frame of this protocol version; dropped up to the next 0x00. */
    FRAME_TOO_LONG,
    /** The CRC-32C carried by the frame differs from the one computed over header and payload. */
    CRC_MISMATCH,
    /** The header names a protocol version this implementation does not speak. */
    UNSUPPORTED_VERSION,
    /** The header's payload length differs from the number of payload bytes in the frame. */
    LENGTH_MISMATCH,
    /** The header names a message type this protocol version does not define. */
    UNKNOWN_TYPE,
    /** The payload length is not the one the message type defines. */
    BAD_PAYLOAD_LENGTH,
    /** A field holds a value the message does not allow (range, reset key, reason code). */
    INVALID_FIELD
}
