package dev.edgetwin.runtime.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioReportTest {
    private static EpisodeResult episode(
            PlannerScenario s, long seed, boolean ok, double gap, double reaction) {
        return new EpisodeResult(
                s,
                seed,
                ok,
                !ok,
                ok ? "goal reached" : "collision",
                gap,
                Double.POSITIVE_INFINITY,
                reaction,
                10,
                100,
                100,
                0);
    }

    @Test
    void figuresPerScenarioWithNearestRankQuantiles() {
        ScenarioReport r =
                new ScenarioReport(
                        List.of(
                                episode(PlannerScenario.BOX_FALLS, 1, true, 1e9, 0.5),
                                episode(PlannerScenario.BOX_FALLS, 2, true, 1e9, 0.7),
                                episode(PlannerScenario.BOX_FALLS, 3, false, 1e9, 0.9),
                                episode(PlannerScenario.BOX_FALLS, 4, true, 1e9, Double.NaN),
                                episode(PlannerScenario.PERSON_CROSSES, 1, true, 0.2, Double.NaN),
                                episode(PlannerScenario.PERSON_CROSSES, 2, true, 0.8, Double.NaN)),
                        0.25);
        List<ScenarioReport.ScenarioFigures> f = r.figures();
        assertEquals(2, f.size());
        ScenarioReport.ScenarioFigures box = f.get(0);
        assertEquals(4, box.episodes());
        assertEquals(0.75, box.successRate(), 1e-12);
        assertEquals(1, box.collisions());
        assertEquals(3, box.reactions());
        assertEquals(0.7, box.reactionP50(), 1e-12);
        assertEquals(0.9, box.reactionP95(), 1e-12);
        assertEquals(List.of("seed 3: collision"), box.failures());
        ScenarioReport.ScenarioFigures people = f.get(1);
        assertEquals(0.2, people.minPersonGap(), 1e-12);
        assertEquals(1, people.belowMargin());
        assertTrue(Double.isNaN(people.reactionP50()));
        String table = r.table();
        assertTrue(table.contains("box-falls"), table);
        assertTrue(table.contains("75.0%"), table);
        assertTrue(table.contains("0.20 m"), table);
    }

    @Test
    void nearestRank() {
        double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, ScenarioReport.nearestRank(v, 0.5));
        assertEquals(10, ScenarioReport.nearestRank(v, 0.95));
        assertEquals(1, ScenarioReport.nearestRank(new double[] {1}, 0.95));
        assertTrue(Double.isNaN(ScenarioReport.nearestRank(new double[0], 0.5)));
    }
}
