package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerScenariosCommandTest {
    @TempDir Path dir;

    @Test
    void jsonHasPerScenarioFiguresAndEpisodes() throws Exception {
        CliRun o =
                CliRun.execute(
                        "planner",
                        "scenarios",
                        "--seeds",
                        "1",
                        "--first-seed",
                        "2",
                        "--scenario",
                        "box-falls,person-approaches",
                        "--perception",
                        "ground-truth",
                        "--samples",
                        "512",
                        "--steps",
                        "40",
                        "--workers",
                        "1",
                        "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertEquals("ground-truth", doc.at("/settings/perception").asText());
        assertEquals(512, doc.at("/settings/samples").asInt());
        assertEquals(0.25, doc.at("/settings/protectiveMarginMetres").asDouble());
        assertEquals(2, doc.get("scenarios").size());
        assertEquals("box-falls", doc.at("/scenarios/0/scenario").asText());
        assertEquals(1, doc.at("/scenarios/0/episodes").asInt());
        assertTrue(doc.at("/scenarios/0/successRate").isNumber(), o.out());
        assertTrue(doc.at("/scenarios/0/reactionP50Seconds").isNumber(), o.out());
        assertTrue(doc.at("/scenarios/1/minPersonGapMetres").isNumber(), o.out());
        assertTrue(doc.at("/scenarios/1/reactionP50Seconds").isNull(), "no box: no reaction");
        assertEquals(2, doc.get("episodes").size());
        assertEquals(2, doc.at("/episodes/0/seed").asInt());
        assertTrue(doc.at("/episodes/0/frames").asInt() > 0);
        assertTrue(doc.at("/episodes/1/outcome").isTextual());
    }

    @Test
    void badArgumentsAreNamed() {
        CliRun o = CliRun.execute("planner", "scenarios", "--perception", "lidar", "--seeds", "1");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--perception must be vision or ground-truth"), o.err());
        o = CliRun.execute("planner", "scenarios", "--scenario", "tornado", "--seeds", "1");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("unknown scenario 'tornado'"), o.err());
        o = CliRun.execute("planner", "scenarios", "--seeds", "0", "--perception", "ground-truth");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("seeds must be in [1, 10000]"), o.err());
        o = CliRun.execute("planner");
        assertEquals(0, o.code());
        assertTrue(o.out().contains("scenarios"), o.out());
    }
}
