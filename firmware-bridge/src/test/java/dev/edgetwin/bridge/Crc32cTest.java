package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class Crc32cTest {

    @Test
    void checkValueOfTheCatalogue() {
        byte[] digits = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, Crc32c.compute(digits, 0, digits.length));
        assertEquals(Crc32c.CHECK, Crc32c.compute(digits, 0, digits.length));
    }

    @Test
    void agreesWithTheJdkImplementationOnRandomSlices() {
        Random random = new Random(7);
        for (int trial = 0; trial < 500; trial++) {
            byte[] data = new byte[random.nextInt(300)];
            random.nextBytes(data);
            int offset = data.length == 0 ? 0 : random.nextInt(data.length);
            int length = random.nextInt(data.length - offset + 1);
            CRC32C jdk = new CRC32C();
            jdk.update(data, offset, length);
            assertEquals((int) jdk.getValue(), Crc32c.compute(data, offset, length));
        }
    }
}
