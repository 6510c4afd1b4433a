package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CobsTest {

    /** Counting bytes {@code from, from+1, ...}, {@code n} of them. */
    private static String run(int from, int n) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < n; i++) {
            hex.append(String.format("%02x", (from + i) & 0xFF));
        }
        return hex.toString();
    }

    /** Hand-computed (the examples of Cheshire and Baker's COBS, as Wikipedia lists them). */
    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("", "01"),
                Arguments.of("00", "0101"),
                Arguments.of("0000", "010101"),
                Arguments.of("000000", "01010101"),
                Arguments.of("001100", "01021101"),
                Arguments.of("11220033", "0311220233"),
                Arguments.of("11223344", "0511223344"),
                Arguments.of("11000000", "0211010101"),
                // 254 non-zero bytes: one full 0xFF block, no trailing code byte
                Arguments.of(run(1, 254), "ff" + run(1, 254)),
                // 255 non-zero bytes: a full block, then a block of one
                Arguments.of(run(1, 255), "ff" + run(1, 254) + "02ff"),
                // a zero, then 254 non-zero bytes
                Arguments.of("00" + run(1, 254), "01ff" + run(1, 254)),
                // 254 non-zero bytes then a zero
                Arguments.of(run(2, 254) + "00", "ff" + run(2, 254) + "0101"),
                // 253 non-zero, a zero, one more
                Arguments.of(run(3, 253) + "0001", "fe" + run(3, 253) + "0201"),
                // 253 non-zero bytes then a zero: exactly fills one block with its zero
                Arguments.of(run(1, 253) + "00", "fe" + run(1, 253) + "01"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesAndDecodesHandComputedVectors(String plainHex, String encodedHex) {
        byte[] plain = HexFormat.of().parseHex(plainHex);
        byte[] encoded = HexFormat.of().parseHex(encodedHex);
        assertEquals(encodedHex, HexFormat.of().formatHex(Cobs.encode(plain)));
        assertArrayEquals(plain, Cobs.decode(encoded));
    }

    @ParameterizedTest
    @MethodSource("lengths")
    void roundTripsRandomDataWithZeroRunsAtEveryLengthNearTheBlockBoundaries(int length) {
        Random random = new Random(length);
        for (int trial = 0; trial < 50; trial++) {
            byte[] plain = new byte[length];
            random.nextBytes(plain);
            if (trial == 0) {
                java.util.Arrays.fill(plain, (byte) 0); // one long zero run
            } else {
                int zeros = trial % 5 == 0 ? length : random.nextInt(length + 1) / 4;
                for (int z = 0; z < zeros; z++) {
                    plain[random.nextInt(length)] = 0;
                }
            }
            byte[] encoded = Cobs.encode(plain);
            for (byte b : encoded) {
                assertTrue(b != 0, "no zero in encoded output");
            }
            assertTrue(encoded.length <= Cobs.maxEncodedLength(length));
            assertArrayEquals(plain, Cobs.decode(encoded));
        }
    }

    static Stream<Integer> lengths() {
        return Stream.of(1, 2, 57, 252, 253, 254, 255, 256, 507, 508, 509, 510, 1000);
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsInvalidEncodings(String encodedHex) {
        assertNull(Cobs.decode(HexFormat.of().parseHex(encodedHex)));
    }

    static Stream<String> invalid() {
        return Stream.of(
                "", // nothing at all
                "00", // a zero code byte
                "0511223300", // a zero inside a block
                "051122", // a block running past the end
                "ff" + run(1, 253), // a full block one byte short
                "0211" + "00"); // a zero code after a valid block
    }
}
