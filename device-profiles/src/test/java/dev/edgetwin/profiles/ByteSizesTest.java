package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void parsesBytesAndBinaryUnits() {
        assertEquals(0, ByteSizes.parse("0"));
        assertEquals(1_073_741_824L, ByteSizes.parse("1073741824"));
        assertEquals(512L << 10, ByteSizes.parse("512KiB"));
        assertEquals(1536L << 20, ByteSizes.parse("1536MiB"));
        assertEquals(3L << 29, ByteSizes.parse("1.5GiB"));
        assertEquals(2L << 30, ByteSizes.parse(" 2 gib "));
        assertEquals(1L << 40, ByteSizes.parse("1TiB"));
        assertEquals(100, ByteSizes.parse("100B"));
    }

    @Test
    void refusesDecimalUnitsFractionsOfABytesAndOverflow() {
        for (String bad : new String[] {"2GB", "2G", "1.5", "-1", "", "lots", "9999999TiB"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("'" + bad + "' is not"), e.getMessage());
        }
    }

    @Test
    void formatsWithTheLargestExactUnit() {
        assertEquals("0", ByteSizes.format(0));
        assertEquals("1536MiB", ByteSizes.format(1536L << 20));
        assertEquals("2GiB", ByteSizes.format(2L << 30));
        assertEquals("1000", ByteSizes.format(1000));
        for (long n : new long[] {1, 1023, 1024, 3L << 29, (1L << 40) + 1, Long.MAX_VALUE}) {
            assertEquals(n, ByteSizes.parse(ByteSizes.format(n)));
        }
    }
}
