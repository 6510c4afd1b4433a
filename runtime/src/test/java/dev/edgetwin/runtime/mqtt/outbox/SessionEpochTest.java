package dev.edgetwin.runtime.mqtt.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionEpochTest {
    @TempDir Path dir;

    @Test
    void incrementsAcrossInstancesAndStartsAtZero() throws Exception {
        Path file = dir.resolve("state/session-epoch");
        SessionEpoch first = SessionEpoch.open(file);
        assertEquals(0, first.current());
        assertEquals(1, first.increment());
        assertEquals(2, first.increment());
        assertEquals(2, first.current());

        SessionEpoch second = SessionEpoch.open(file);
        assertEquals(2, second.current());
        assertEquals(3, second.increment());
        assertEquals(3, SessionEpoch.open(file).current());
        assertEquals(16, Files.size(file));
        assertFalse(Files.exists(dir.resolve("state/session-epoch.tmp")), "no temporary left");
    }

    @Test
    void aCorruptFileIsAClearErrorAndIsLeftAsItIs() throws Exception {
        Path file = dir.resolve("session-epoch");
        SessionEpoch.open(file).increment();
        DurableOutboxTest.flip(file, 9); // a bit of the epoch: the CRC no longer matches
        byte[] corrupt = Files.readAllBytes(file);

        OutboxException e = assertThrows(OutboxException.class, () -> SessionEpoch.open(file));
        assertEquals(OutboxException.Code.CORRUPT_EPOCH, e.code());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
        assertArrayEquals(corrupt, Files.readAllBytes(file), "not reset behind the caller's back");

        Files.write(file, new byte[] {1, 2, 3});
        e = assertThrows(OutboxException.class, () -> SessionEpoch.open(file));
        assertEquals(OutboxException.Code.CORRUPT_EPOCH, e.code());
        assertTrue(e.getMessage().contains("expected 16 bytes, found 3"), e.getMessage());

        Files.delete(file); // what the message tells an operator to do
        assertEquals(1, SessionEpoch.open(file).increment());
    }
}
