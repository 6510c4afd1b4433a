package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What needs no device: errors that name the port. Frames over a real pseudo-terminal pair are
 * tested in the simulator module ({@code SerialLinkInteropTest}, socat, -Pinterop).
 */
class SerialTransportTest {
    @TempDir Path dir;

    @Test
    void aMissingDeviceIsAConnectFailureNamingThePath() {
        String path = dir.resolve("ttyNOPE").toString();
        TransportException e =
                assertThrows(TransportException.class, () -> SerialTransport.open(path, 115200));
        assertEquals(TransportError.CONNECT_FAILED, e.error());
        assertTrue(e.getMessage().contains("serial port " + path), e.getMessage());
    }

    @Test
    void aFileThatIsNotATtyIsAConnectFailureSayingSo() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-tty"), "x");
        TransportException e =
                assertThrows(
                        TransportException.class,
                        () -> SerialTransport.open(file.toString(), 1_000_000));
        assertEquals(TransportError.CONNECT_FAILED, e.error());
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "CONNECT_FAILED: could not open serial port "
                                        + file
                                        + " at 1000000 baud: not a serial device (not a tty) (errno 25"),
                e.getMessage());
    }

    @Test
    void openErrorsAreExplained() {
        assertEquals(
                "permission denied (is the user in the 'dialout' group?)",
                SerialTransport.explainOpenError(13));
        assertEquals(
                "the port is busy (another process has it open)",
                SerialTransport.explainOpenError(16));
        assertEquals("the operating system refused it", SerialTransport.explainOpenError(999));
    }

    @Test
    void badArgumentsAreRejectedByName() {
        IllegalArgumentException baud =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> SerialTransport.open("/dev/ttyUSB0", 0));
        assertEquals("baud = 0 is outside [1200, 12000000]", baud.getMessage());
        IllegalArgumentException empty =
                assertThrows(IllegalArgumentException.class, () -> SerialTransport.open(" ", 9600));
        assertEquals("serial port path is empty", empty.getMessage());
    }
}
