package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgetwin bench vision} on a tiny run: the JSON's shape, not its speed. */
class BenchVisionCommandTest {
    @TempDir Path cache;

    @Test
    void jsonHasBothThroughputsTheRatioLatenciesDropsAndAllocation() throws Exception {
        CliRun o =
                CliRun.execute(
                        "bench",
                        "vision",
                        "--json",
                        "--frames",
                        "20",
                        "--warmup",
                        "5",
                        "--distinct",
                        "4",
                        "--model-cache",
                        cache.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode doc = new ObjectMapper().readTree(o.out());
        for (String field :
                List.of("rawFps", "rawFpsBefore", "rawFpsAfter", "pipelineFps", "ratio")) {
            assertTrue(doc.get(field).isNumber() && doc.get(field).asDouble() > 0, field);
        }
        assertEquals(
                doc.get("pipelineFps").asDouble() / doc.get("rawFps").asDouble(),
                doc.get("ratio").asDouble(),
                1e-9);
        assertEquals(0.9, doc.get("goalRatio").asDouble());
        assertEquals(20, doc.get("timedFrames").asInt());
        assertEquals(20, doc.get("framesCaptured").asInt());
        // Paced (no --rate): every timed frame comes out, none dropped or failed.
        assertEquals(20, doc.get("framesProcessed").asInt());
        assertEquals(0, doc.get("framesFailed").asInt());
        JsonNode dropped = doc.get("framesDropped");
        for (String handOff :
                List.of(
                        "captureToPreprocess",
                        "preprocessToInference",
                        "inferenceToPostprocess",
                        "total")) {
            assertEquals(0, dropped.get(handOff).asInt(), handOff);
        }
        JsonNode latency = doc.get("latencyMillis");
        for (String stage : List.of("preprocess", "inference", "postprocess", "captureToResult")) {
            double p50 = latency.get(stage).get("p50").asDouble();
            double p99 = latency.get(stage).get("p99").asDouble();
            assertTrue(p50 > 0 && p99 >= p50, stage + ": " + latency.get(stage));
        }
        assertTrue(
                latency.get("captureToResult").get("p50").asDouble()
                        >= latency.get("inference").get("p50").asDouble(),
                latency.toString());
        assertTrue(doc.get("allocatedBytesPerFrame").asDouble() > 0, doc.toString());
        assertEquals(65536, doc.get("goalAllocatedBytesPerFrame").asInt());
        assertEquals("cpu", doc.get("provider").asText());
        assertTrue(doc.get("onnxRuntime").asText().startsWith("1."), doc.toString());
    }

    @Test
    void plainBenchStillRunsItsOwnStageTimings() {
        CliRun o =
                CliRun.execute(
                        "bench",
                        "--frames",
                        "3",
                        "--warmup",
                        "0",
                        "--model-cache",
                        cache.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("detector throughput"), o.out());
    }

    @Test
    void badNumbersAreRefused() {
        CliRun o = CliRun.execute("bench", "vision", "--frames", "0");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--frames"), o.err());
    }
}
