package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.edgetwin.bridge.Message.Ack;
import dev.edgetwin.bridge.Message.Battery;
import dev.edgetwin.bridge.Message.ControlledStop;
import dev.edgetwin.bridge.Message.EStopLatch;
import dev.edgetwin.bridge.Message.Heartbeat;
import dev.edgetwin.bridge.Message.Hello;
import dev.edgetwin.bridge.Message.Nack;
import dev.edgetwin.bridge.Message.Odometry;
import dev.edgetwin.bridge.Message.VelocityCommand;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageTest {

    /** A builder that must be rejected, and the exact message naming field, value and range. */
    static Stream<Arguments> outOfRange() {
        return Stream.of(
                Arguments.of(
                        (Executable) () -> new VelocityCommand(40, 0, 0),
                        "vx = 40.0 m/s is outside [-32.768, 32.767] m/s (wire steps of 0.001 m/s)"),
                Arguments.of(
                        (Executable) () -> new VelocityCommand(0, -32.769, 0),
                        "vy = -32.769 m/s is outside [-32.768, 32.767] m/s"
                                + " (wire steps of 0.001 m/s)"),
                Arguments.of(
                        (Executable) () -> new VelocityCommand(0, 0, Double.NaN),
                        "wz = NaN rad/s is outside [-32.768, 32.767] rad/s"
                                + " (wire steps of 0.001 rad/s)"),
                Arguments.of(
                        (Executable) () -> new VelocityCommand(Double.POSITIVE_INFINITY, 0, 0),
                        "vx = Infinity m/s is outside [-32.768, 32.767] m/s"
                                + " (wire steps of 0.001 m/s)"),
                Arguments.of(
                        (Executable) () -> new ControlledStop(-1),
                        "deceleration = -1.0 m/s^2 is outside [0, 65.535] m/s^2"
                                + " (wire steps of 0.001 m/s^2)"),
                Arguments.of(
                        (Executable) () -> new Odometry(0, 0, 0, 3.3, 0, 0, 0),
                        "yaw = 3.3 rad is outside [-3.2768, 3.2767] rad"
                                + " (wire steps of 0.0001 rad)"),
                Arguments.of(
                        (Executable) () -> new Odometry(0, 2_147_484.0, 0, 0, 0, 0, 0),
                        "x = 2147484.0 m is outside [-2147483.648, 2147483.647] m"
                                + " (wire steps of 0.001 m)"),
                Arguments.of(
                        (Executable) () -> new Odometry(-1, 0, 0, 0, 0, 0, 0),
                        "timeMillis = -1 is outside [0, 4294967295]"),
                Arguments.of(
                        (Executable) () -> new Battery(70, 0, 0.5),
                        "voltage = 70.0 V is outside [0, 65.535] V (wire steps of 0.001 V)"),
                Arguments.of(
                        (Executable) () -> new Battery(24, 400, 0.5),
                        "current = 400.0 A is outside [-327.68, 327.67] A (wire steps of 0.01 A)"),
                Arguments.of(
                        (Executable) () -> new Battery(24, 0, 1.01),
                        "stateOfCharge = 1.01 is outside [0, 1] (wire steps of 0.0001)"),
                Arguments.of(
                        (Executable) () -> new Hello(0, 1, 0, 0, 0),
                        "protocolVersion = 0 is outside [1, 255]"),
                Arguments.of(
                        (Executable) () -> new Hello(1, 256, 0, 0, 0),
                        "versionMajor = 256 is outside [0, 255]"),
                Arguments.of(
                        (Executable) () -> new Heartbeat(1L << 32),
                        "uptimeMillis = 4294967296 is outside [0, 4294967295]"),
                Arguments.of(
                        (Executable) () -> new EStopLatch(65536),
                        "reason = 65536 is outside [0, 65535]"),
                Arguments.of((Executable) () -> new Ack(-1), "sequence = -1 is outside [0, 65535]"),
                Arguments.of(
                        (Executable) () -> new Envelope(65536, new Ack(0)),
                        "sequence = 65536 is outside [0, 65535]"));
    }

    @ParameterizedTest
    @MethodSource("outOfRange")
    void outOfRangeValuesAreRejectedNamingFieldValueAndRange(Executable build, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertEquals(message, e.getMessage());
    }

    @Test
    void valuesAreRoundedToTheWireResolutionWhenBuilt() {
        VelocityCommand v = new VelocityCommand(0.12345, -0.0004, -0.0);
        assertEquals(0.123, v.vx());
        assertEquals(0.0, v.vy()); // -0.0004 rounds to 0, and -0.0 is normalised
        assertEquals(0.0, v.wz());
        assertEquals(new VelocityCommand(0.123, 0, 0), v);
        assertEquals(0.7854, new Odometry(0, 0, 0, Math.PI / 4, 0, 0, 0).yaw());
        assertEquals(32.767, new VelocityCommand(32.7674, 0, 0).vx()); // rounds into range
        assertThrows(IllegalArgumentException.class, () -> new VelocityCommand(32.7675, 0, 0));
    }

    @Test
    void nackReasonsHaveStableWireCodes() {
        assertEquals(1, Nack.Reason.UNSUPPORTED_MESSAGE.code());
        assertEquals(7, Nack.Reason.FAULT_ACTIVE.code());
        for (Nack.Reason r : Nack.Reason.values()) {
            assertEquals(r, Nack.Reason.ofCode(r.code()));
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Nack.Reason.ofCode(0));
        assertEquals("nack reason = 0 is not a known reason code [1, 7]", e.getMessage());
    }
}
