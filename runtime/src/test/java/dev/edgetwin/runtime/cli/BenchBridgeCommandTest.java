package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.sim.firmware.SocatPtyPair;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code edgetwin bench bridge} on tiny runs: the output's shape, not its speed. The runs need
 * socat (interop); bad options are rejected without it.
 */
class BenchBridgeCommandTest {

    @Test
    void badOptionsAreRejectedByName() {
        CliRun o = CliRun.execute("bench", "bridge", "--trials", "0");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--trials 0 is outside [1, 1000]"), o.err());
        CliRun b = CliRun.execute("bench", "bridge", "--baud", "1000000,50");
        assertEquals(2, b.code());
        assertTrue(b.err().contains("--baud 50 is outside [1200, 12000000]"), b.err());
    }

    @Test
    @Tag("interop")
    @Timeout(60)
    void latencyJsonHasOneRowPerBaudWithQuantilesAndWireTime() throws Exception {
        assumeTrue(SocatPtyPair.available(), "needs socat (Debian: apt-get install socat)");
        CliRun o = CliRun.execute("bench", "bridge", "--json", "--samples", "30", "--warmup", "5");
        assertEquals(0, o.code(), o.err());
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertEquals("bench bridge", doc.get("command").asText());
        assertTrue(doc.get("socat").asText().startsWith("socat version"), doc.toString());
        JsonNode rows = doc.get("latency");
        assertEquals(2, rows.size());
        assertEquals(1_000_000, rows.get(0).get("baud").asInt());
        assertEquals(115_200, rows.get(1).get("baud").asInt());
        for (JsonNode r : rows) {
            assertEquals(30, r.get("samples").asInt());
            assertEquals(0, r.get("lost").asInt());
            double wire =
                    (r.get("commandFrameBytes").asInt() + r.get("ackFrameBytes").asInt())
                            * 10
                            * 1e6
                            / r.get("baud").asInt();
            assertEquals(wire, r.get("wireMicros").asDouble(), 1e-9);
            assertTrue(
                    r.get("p50Micros").asDouble() <= r.get("p99Micros").asDouble(), r.toString());
        }
    }

    @Test
    @Tag("interop")
    @Timeout(120)
    void faultsTablePrintsEveryFaultWithTheBound() {
        assumeTrue(SocatPtyPair.available(), "needs socat (Debian: apt-get install socat)");
        CliRun o = CliRun.execute("bench", "bridge", "--faults", "--trials", "1");
        assertTrue(o.code() == 0 || o.code() == 1, o.err());
        assertTrue(
                o.out().contains("bound: watchdog 250 ms + one firmware loop 10 ms = 260 ms"),
                o.out());
        for (String fault :
                new String[] {
                    "serial link pulled",
                    "daemon SIGKILL",
                    "heartbeat lost",
                    "flood of corrupted frames"
                }) {
            assertTrue(o.out().contains(fault), fault + " in " + o.out());
        }
        assertTrue(o.out().contains("every trial stopped within the bound: "), o.out());
        assertEquals(4, o.err().lines().filter(l -> l.contains("trial 1/1")).count(), o.err());
    }
}
