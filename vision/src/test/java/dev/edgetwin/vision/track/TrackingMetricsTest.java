package dev.edgetwin.vision.track;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TrackingMetricsTest {
    private static final double EPS = 1e-12;

    private static LabeledPosition p(long id, double x, double y) {
        return new LabeledPosition(id, 0, x, y);
    }

    private static EvaluationFrame frame(List<LabeledPosition> truth, List<LabeledPosition> out) {
        return new EvaluationFrame(truth, out);
    }

    /**
     * Objects 1 and 2, outputs 10, 11, 20, 21, 30; threshold 0.5 m.
     *
     * <pre>
     * frame 0: 1-10 (0.1), 2-20 (0.2)
     * frame 1: 1-10 (0.1); 2 missed (20 gone); 30 far from everything: FP
     * frame 2: 1-10 (0.3); 2-21 (0.1): switch, 2 was last matched to 20 (one frame earlier)
     * frame 3: 2 gone. 10 is 0.4 from 1, 11 is 0.05: 1-10 is kept because it is still valid,
     *          although 11 is nearer; 11 is an FP
     * frame 4: 10 gone: 1-11 (0.0): switch, 1 was last matched to 10
     *
     * objects 2+2+2+1+1 = 8, matches 2+1+2+1+1 = 7, misses 1, FP 2, switches 2
     * MOTA = 1 - (1 + 2 + 2) / 8 = 3/8
     * MOTP = (0.1 + 0.2 + 0.1 + 0.3 + 0.1 + 0.4 + 0.0) / 7 = 1.2 / 7
     *
     * IDF1: pairs that match, by frame count: 1-10 in frames 0..3 = 4, 1-11 in 3, 4 = 2,
     * 2-20 in 0 = 1, 2-21 in 2 = 1. Best one-to-one pairing: 1-10 + 2-20 (or 2-21) = 5 = IDTP.
     * objects 8 -> IDFN = 3; outputs 2+2+2+2+1 = 9 -> IDFP = 4; IDF1 = 10 / (10 + 4 + 3) = 10/17
     * </pre>
     */
    private static List<EvaluationFrame> handMadeSequence() {
        return List.of(
                frame(List.of(p(1, 0, 0), p(2, 5, 0)), List.of(p(10, 0.1, 0), p(20, 5.2, 0))),
                frame(List.of(p(1, 1, 0), p(2, 5, 0)), List.of(p(10, 1.1, 0), p(30, 9, 9))),
                frame(List.of(p(1, 2, 0), p(2, 5, 0)), List.of(p(10, 2, 0.3), p(21, 5, 0.1))),
                frame(List.of(p(1, 3, 0)), List.of(p(10, 3.4, 0), p(11, 3.05, 0))),
                frame(List.of(p(1, 4, 0)), List.of(p(11, 4, 0))));
    }

    @Test
    void clearMotOnAHandMadeSequence() {
        ClearMotScores s = TrackingMetrics.clearMot(handMadeSequence(), 0.5);
        assertEquals(8, s.truthCount());
        assertEquals(7, s.matches());
        assertEquals(1, s.misses());
        assertEquals(2, s.falsePositives());
        assertEquals(2, s.idSwitches());
        assertEquals(3.0 / 8, s.mota(), EPS);
        assertEquals(1.2 / 7, s.motp(), 1e-9);
    }

    @Test
    void identityScoresOnAHandMadeSequence() {
        IdentityScores s = TrackingMetrics.identity(handMadeSequence(), 0.5);
        assertEquals(5, s.idtp());
        assertEquals(4, s.idfp());
        assertEquals(3, s.idfn());
        assertEquals(10.0 / 17, s.idf1(), EPS);
        assertEquals(5.0 / 9, s.idPrecision(), EPS);
        assertEquals(5.0 / 8, s.idRecall(), EPS);
    }

    /**
     * Output 7 follows object A for three frames, then object B for two; output 8 follows A for
     * those last two.
     *
     * <pre>
     * frames 0-2: A-7; B missed
     * frames 3-4: A-8 (7 has left A: the old pair is no longer valid), B-7
     *
     * CLEAR MOT: objects 10, misses 3, FP 0; switches: A 7 -> 8 once; B's first match is no
     * switch. MOTA = 1 - (3 + 0 + 1) / 10 = 0.6
     *
     * IDF1: A-7 = 3, A-8 = 2, B-7 = 2, B-8 = 0. Greedy (largest first) would take A-7 + B-8 = 3;
     * the best pairing is A-8 + B-7 = 4 = IDTP. IDFN = 10 - 4 = 6, IDFP = 7 - 4 = 3,
     * IDF1 = 8 / (8 + 3 + 6) = 8/17
     * </pre>
     */
    @Test
    void identityPairingIsGlobalNotGreedy() {
        List<EvaluationFrame> frames = new ArrayList<>();
        for (int f = 0; f < 3; f++) {
            frames.add(frame(List.of(p(1, 0, 0), p(2, 10, 0)), List.of(p(7, 0, 0))));
        }
        for (int f = 3; f < 5; f++) {
            frames.add(frame(List.of(p(1, 0, 0), p(2, 10, 0)), List.of(p(8, 0, 0), p(7, 10, 0))));
        }
        IdentityScores id = TrackingMetrics.identity(frames, 0.5);
        assertEquals(4, id.idtp());
        assertEquals(3, id.idfp());
        assertEquals(6, id.idfn());
        assertEquals(8.0 / 17, id.idf1(), EPS);

        ClearMotScores mot = TrackingMetrics.clearMot(frames, 0.5);
        assertEquals(10, mot.truthCount());
        assertEquals(3, mot.misses());
        assertEquals(0, mot.falsePositives());
        assertEquals(1, mot.idSwitches());
        assertEquals(0.6, mot.mota(), EPS);
    }

    /**
     * Objects at x = 0 and 1, outputs at x = 0.45 (0.45 and 0.55 away) and -0.55 (0.55 from the
     * first, 1.55 from the second); threshold 0.6. Nearest-first would pair 0-0.45 and leave the
     * rest unmatched (1 miss, 1 FP); the assignment pairs 0 with -0.55 and 1 with 0.45: two
     * matches, MOTA = 1.
     */
    @Test
    void framesAreMatchedByAssignmentNotNearestFirst() {
        List<EvaluationFrame> frames =
                List.of(
                        frame(
                                List.of(p(1, 0, 0), p(2, 1, 0)),
                                List.of(p(5, 0.45, 0), p(6, -0.55, 0))));
        ClearMotScores s = TrackingMetrics.clearMot(frames, 0.6);
        assertEquals(2, s.matches());
        assertEquals(0, s.misses());
        assertEquals(0, s.falsePositives());
        assertEquals(1.0, s.mota(), EPS);
        assertEquals(0.55, s.motp(), 1e-9);
    }

    @Test
    void differentClassesNeverMatch() {
        List<EvaluationFrame> frames =
                List.of(
                        frame(
                                List.of(new LabeledPosition(1, 0, 2, 2)),
                                List.of(new LabeledPosition(1, 1, 2, 2))));
        ClearMotScores s = TrackingMetrics.clearMot(frames, 0.5);
        assertEquals(1, s.misses());
        assertEquals(1, s.falsePositives());
        assertEquals(-1.0, s.mota(), EPS); // 1 - 2/1
        assertEquals(0, TrackingMetrics.identity(frames, 0.5).idtp());
    }

    @Test
    void aTrackerThatFollowsEveryoneScoresPerfectly() {
        // Seeded random walkers with small output errors and permuted output ids.
        Random random = new Random(42);
        List<EvaluationFrame> frames = new ArrayList<>();
        double[][] pos = new double[6][2];
        for (int i = 0; i < pos.length; i++) {
            pos[i][0] = 3 * i;
        }
        for (int f = 0; f < 50; f++) {
            List<LabeledPosition> truth = new ArrayList<>();
            List<LabeledPosition> out = new ArrayList<>();
            for (int i = 0; i < pos.length; i++) {
                pos[i][0] += 0.1 * random.nextGaussian();
                pos[i][1] += 0.1 * random.nextGaussian();
                truth.add(p(i, pos[i][0], pos[i][1]));
                out.add(p(100 + (i * 7) % 6, pos[i][0] + 0.05, pos[i][1]));
            }
            frames.add(frame(truth, out));
        }
        assertEquals(1.0, TrackingMetrics.clearMot(frames, 0.5).mota(), EPS);
        assertEquals(1.0, TrackingMetrics.identity(frames, 0.5).idf1(), EPS);
    }

    @Test
    void aTrackerOutputScoresItsOwnRunAgainstTheTruth() {
        // The tracker on the crossing scenario, scored: no switches, and the only errors are the
        // two frames each person is tentative (not output) at the start.
        Random random = new Random(1);
        FloorTracker tracker = new FloorTracker(TrackerConfig.defaults());
        List<EvaluationFrame> frames = new ArrayList<>();
        for (int f = 0; f <= 50; f++) {
            double s = f * 0.1;
            double[][] people = {{1.4 * s, 5}, {5, 1.4 * s}};
            List<FloorMeasurement> ms = new ArrayList<>();
            List<LabeledPosition> truth = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ms.add(
                        FloorMeasurement.of(
                                0,
                                people[i][0] + 0.05 * random.nextGaussian(),
                                people[i][1] + 0.05 * random.nextGaussian(),
                                0.1,
                                0.9f,
                                "cam"));
                truth.add(p(i, people[i][0], people[i][1]));
            }
            List<LabeledPosition> out =
                    tracker.update(f * 100_000_000L, ms).stream()
                            .filter(t -> t.state() == TrackState.CONFIRMED)
                            .map(LabeledPosition::of)
                            .toList();
            frames.add(frame(truth, out));
        }
        ClearMotScores mot = TrackingMetrics.clearMot(frames, 0.5);
        // objects 102, misses 4 (frames 0 and 1), FP 0, switches 0: MOTA = 1 - 4/102
        assertEquals(4, mot.misses());
        assertEquals(0, mot.falsePositives());
        assertEquals(0, mot.idSwitches());
        assertEquals(1 - 4.0 / 102, mot.mota(), EPS);
        // IDTP = 98, IDFN = 4, IDFP = 0: IDF1 = 196 / 200
        assertEquals(0.98, TrackingMetrics.identity(frames, 0.5).idf1(), EPS);
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> frame(List.of(p(1, 0, 0), p(1, 1, 1)), List.of()));
        assertEquals("truth ids must be unique within a frame, got 1 twice", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrackingMetrics.clearMot(List.of(), 0));
    }
}
