package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchPlannerCommandTest {
    @TempDir Path dir;

    @Test
    void jsonHasCycleQuantilesStateStepsAndTheLearnedCritic() throws Exception {
        CliRun o =
                CliRun.execute(
                        "bench",
                        "planner",
                        "--samples",
                        "256",
                        "--steps",
                        "32",
                        "--threads",
                        "1",
                        "--cycles",
                        "20",
                        "--warmup",
                        "5",
                        "--model-cache",
                        dir.toString(),
                        "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertEquals(256, doc.get("samples").asInt());
        assertEquals(20, doc.at("/cycle/runs").asInt());
        double p50 = doc.at("/cycle/p50Millis").asDouble();
        assertTrue(p50 > 0 && p50 <= doc.at("/cycle/p99Millis").asDouble(), o.out());
        assertEquals(
                256 * 32 / (doc.at("/cycle/meanMillis").asDouble() / 1e3),
                doc.get("stateStepsPerSecond").asDouble(),
                1.0);
        assertEquals(20, doc.at("/learnedCritic/runs").asInt());
        assertTrue(doc.at("/learnedCritic/p50Millis").asDouble() > 0, o.out());
        long outcomes = doc.get("learnedRan").asLong() + doc.get("learnedMissedOrBusy").asLong();
        assertTrue(outcomes > 0 && outcomes <= 25, "warm-up and timed cycles: " + outcomes);
        assertTrue(doc.get("cpu").asText().length() > 0);
    }

    @Test
    void withoutTheLearnedCriticAndBadArguments() throws Exception {
        CliRun o =
                CliRun.execute(
                        "bench",
                        "planner",
                        "--samples",
                        "128",
                        "--steps",
                        "16",
                        "--cycles",
                        "5",
                        "--warmup",
                        "1",
                        "--no-learned");
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("cycle, analytic critics"), o.out());
        assertTrue(!o.out().contains("learned critic alone"), o.out());
        o = CliRun.execute("bench", "planner", "--samples", "0", "--no-learned");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--samples >= 1"), o.err());
    }
}
