package dev.edgetwin.runtime.mqtt.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OutboxConfigTest {
    private static final Path DIR = Path.of("outbox");

    private static void rejects(String expected, Executable build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void badValuesAreNamedWithTheirField() {
        rejects(
                "segmentBytes must be in [1024, 268435456], got 100",
                () -> new OutboxConfig(DIR, 1 << 20, 100, FsyncPolicy.never()));
        rejects(
                "segmentBytes must be in [1024, 268435456], got 536870912",
                () -> new OutboxConfig(DIR, 1L << 40, 512 << 20, FsyncPolicy.never()));
        rejects(
                "maxBytes must be at least segmentBytes (4096), got 4095",
                () -> new OutboxConfig(DIR, 4095, 4096, FsyncPolicy.never()));
        rejects(
                "fsync interval must be in (0, 1 h], got PT0S",
                () -> FsyncPolicy.every(Duration.ZERO));
        rejects(
                "fsync interval must be in (0, 1 h], got PT-0.001S",
                () -> FsyncPolicy.every(Duration.ofMillis(-1)));
        rejects(
                "fsync interval is only for mode INTERVAL; mode NEVER got PT1S",
                () -> new FsyncPolicy(FsyncPolicy.Mode.NEVER, Duration.ofSeconds(1)));
        NullPointerException npe =
                assertThrows(
                        NullPointerException.class,
                        () -> new OutboxConfig(null, 1 << 20, 4096, FsyncPolicy.never()));
        assertEquals("directory", npe.getMessage());
    }

    @Test
    void defaultsAreValidAndBoundTheRecordSize() {
        OutboxConfig c = OutboxConfig.defaults(DIR);
        assertEquals(64L << 20, c.maxBytes());
        assertEquals(4 << 20, c.segmentBytes());
        assertEquals(FsyncPolicy.every(Duration.ofMillis(100)), c.fsync());
        assertEquals((4 << 20) - 8, c.maxRecordBytes());
    }

    @Test
    void messagesAreValidatedAndPrintSizesNotPayloads() {
        rejects(
                "qos must be 0, 1 or 2, got 3",
                () -> new OutboxMessage("a", new byte[0], 3, false, Priority.STATE));
        rejects(
                "topic must be 1-65535 UTF-8 bytes, got 0 bytes",
                () -> new OutboxMessage("", new byte[0], 1, false, Priority.STATE));
        rejects(
                "topic must not contain '+', '#' or NUL, got 'a/#'",
                () -> new OutboxMessage("a/#", new byte[0], 1, false, Priority.STATE));
        byte[] payload = {'s', 'e', 'c', 'r', 'e', 't'};
        OutboxMessage m = new OutboxMessage("a/b", payload, 1, true, Priority.EVENT);
        payload[0] = 'X';
        assertEquals('s', m.payload()[0], "the payload was copied");
        assertEquals("OutboxMessage[EVENT a/b, 6 bytes, qos 1, retained]", m.toString());
    }
}
