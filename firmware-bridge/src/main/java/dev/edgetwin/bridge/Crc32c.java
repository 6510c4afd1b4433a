package dev.edgetwin.bridge;

/**
 * CRC-32C (Castagnoli): polynomial 0x1EDC6F41 (reflected 0x82F63B78), init 0xFFFFFFFF, input and
 * output reflected, final XOR 0xFFFFFFFF; check value over ASCII "123456789" is 0xE3069283. The
 * same table-driven algorithm as {@code c/etb_protocol.c}.
 */
final class Crc32c {
    static final int CHECK = 0xE3069283;
    private static final int[] TABLE = new int[256];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ 0x82F63B78 : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Crc32c() {}

    static int compute(byte[] data, int offset, int length) {
        int crc = 0xFFFFFFFF;
        for (int i = offset; i < offset + length; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xFF];
        }
        return ~crc;
    }
}
