package dev.edgetwin.sim.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The latency benchmark's code, 50 round trips over a socat pty pair: every command acked, the
 * frame sizes and wire time computed from the codec. No timing is asserted (figures come from
 * {@code ./edgetwin bench bridge}). Needs socat; -Pinterop.
 */
@Tag("interop")
@Timeout(60)
class CommandAckLatencyInteropTest {
    @TempDir Path dir;

    @Test
    void everyCommandIsAckedAndTheWireTimeFollowsFromTheFrameSizes() throws Exception {
        assumeTrue(
                SocatPtyPair.available(),
                "needs socat on the PATH (Debian: apt-get install socat)");
        CommandAckLatency.Result r = CommandAckLatency.measure(dir, 1_000_000, 10, 50);
        assertEquals(50, r.samples());
        assertEquals(0, r.lost());
        // header 5 + payload 6 + CRC 4 = 15 raw bytes, +1 COBS, +1 delimiter; ack: 5 + 2 + 4 + 2
        assertEquals(17, r.commandFrameBytes());
        assertEquals(13, r.ackFrameBytes());
        assertEquals(300.0, r.wireMicros(), 1e-9);
        assertTrue(r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros(), r.toString());
        assertTrue(r.p99Micros() <= r.maxMicros(), r.toString());
    }

    @Test
    void quantileIsNearestRank() {
        long[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, CommandAckLatency.quantile(v, 0.5));
        assertEquals(10, CommandAckLatency.quantile(v, 0.99));
        assertTrue(Double.isNaN(CommandAckLatency.quantile(new long[0], 0.5)));
    }
}
