package dev.edgetwin.bridge;

/**
 * Consistent Overhead Byte Stuffing (Cheshire and Baker, 1999): removes every 0x00 from a block so
 * that 0x00 can delimit frames. A run of 254 non-zero bytes is one 0xFF block with no implied zero;
 * encoded length is at most {@code n + n / 254 + 1}.
 */
final class Cobs {
    private Cobs() {}

    static int maxEncodedLength(int length) {
        return length + length / 254 + 1;
    }

    /**
     * Encodes {@code src[off, off+len)} into {@code dst} from {@code dstOff} (no delimiter); {@code
     * dst} needs {@link #maxEncodedLength} bytes. Returns the encoded length.
     */
    static int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        int codeAt = dstOff;
        int out = dstOff + 1;
        int code = 1;
        for (int i = 0; i < len; i++) {
            byte b = src[off + i];
            if (b != 0) {
                dst[out++] = b;
                code++;
            }
            if (b == 0 || code == 0xFF) {
                dst[codeAt] = (byte) code;
                code = 1;
                codeAt = out;
                if (b == 0 || i < len - 1) {
                    out++;
                }
            }
        }
        if (codeAt < out) {
            dst[codeAt] = (byte) code;
        }
        return out - dstOff;
    }

    /**
     * Decodes {@code src[off, off+len)} (no delimiter) into {@code dst} from {@code dstOff}; {@code
     * dst} needs {@code len - 1} bytes. Returns the decoded length, or -1 if the input is empty or
     * not valid COBS (a zero byte, or a block running past the end).
     */
    static int decode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        if (len <= 0) {
            return -1;
        }
        int in = off;
        int end = off + len;
        int out = dstOff;
        while (in < end) {
            int code = src[in++] & 0xFF;
            if (code == 0 || code - 1 > end - in) {
                return -1;
            }
            for (int k = 1; k < code; k++) {
                byte b = src[in++];
                if (b == 0) {
                    return -1;
                }
                dst[out++] = b;
            }
            if (code != 0xFF && in < end) {
                dst[out++] = 0;
            }
        }
        return out - dstOff;
    }

    static byte[] encode(byte[] src) {
        byte[] dst = new byte[maxEncodedLength(src.length)];
        int n = encode(src, 0, src.length, dst, 0);
        return java.util.Arrays.copyOf(dst, n);
    }

    /** Returns null if {@code src} is not valid COBS. */
    static byte[] decode(byte[] src) {
        byte[] dst = new byte[Math.max(src.length, 1)];
        int n = decode(src, 0, src.length, dst, 0);
        return n < 0 ? null : java.util.Arrays.copyOf(dst, n);
    }
}
