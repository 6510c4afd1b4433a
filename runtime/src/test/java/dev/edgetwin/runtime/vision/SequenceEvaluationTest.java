package dev.edgetwin.runtime.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.training.DetectionEvaluator;
import dev.edgetwin.modelkit.training.DetectorTrainer;
import dev.edgetwin.vision.OnnxDetector;
import dev.edgetwin.vision.track.LabeledPosition;
import dev.edgetwin.vision.track.TrackerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceEvaluationTest {
    @TempDir Path dir;

    /** One seed, 5 s at 5 fps: 25 frames, a few seconds with rendering and the detector. */
    private static final SequenceEvaluation.Settings SHORT =
            SequenceEvaluation.Settings.defaults().withSeeds(List.of(101L)).withDuration(5, 5);

    @Test
    void groundTruthAsDetectionsScoresPerfectly() throws Exception {
        // Confirm at the first hit and never drop a lost track: a perfect detector then gives a
        // perfect score (with the defaults, each object's first two frames would be misses and a
        // long occlusion would be a new id, which is the tracker's doing, not the harness's).
        SequenceEvaluation.Settings settings =
                SHORT.withTracker(
                                TrackerConfig.defaults()
                                        .withHitsToConfirm(1)
                                        .withMaxLostAge(Duration.ofHours(1)))
                        .withMeasurementErrors(1e-6, 1e-6, 1e-6);
        SequenceReport r =
                SequenceEvaluation.evaluate(
                        "ground truth", SequenceEvaluation.groundTruth(), settings);
        assertEquals(25, r.frames());
        assertEquals(1.0, r.detection().meanAp(), 1e-12);
        SequenceReport.TrackingScores t = r.tracking();
        assertTrue(t.objects() > 100, "the sequence shows objects: " + t.objects());
        assertEquals(t.objects(), t.matches());
        assertEquals(0, t.misses());
        assertEquals(0, t.falsePositives());
        assertEquals(0, t.idSwitches());
        assertEquals(1.0, t.mota(), 1e-12);
        assertEquals(1.0, t.idf1(), 1e-12);
        assertEquals(t.objects(), r.floorError().pairs());
        assertTrue(r.floorError().maxMetres() < 1e-3, "floor error " + r.floorError());
        assertTrue(
                t.ignoredOutputs() > 0,
                "tracks of ignored objects were dropped, not counted as false positives");
    }

    @Test
    void aTrainedDetectorTracksTheFactory() throws Exception {
        Path model = dir.resolve("trained.onnx");
        new DetectorTrainer(
                        DetectorTrainer.Config.defaults()
                                .withScenes(Integer.getInteger("scenes", 20), 0))
                .train(model);
        SequenceReport r;
        try (OnnxDetector detector = OnnxDetector.open(model, DetectionEvaluator.options())) {
            r =
                    SequenceEvaluation.evaluate(
                            "trained", SequenceEvaluation.detector(detector), SHORT);
        }
        assertEquals(25, r.frames());
        assertTrue(r.detection().meanAp() > 0.6, r.summary());
        assertTrue(r.tracking().mota() > 0.25 && r.tracking().mota() <= 1, r.summary());
        assertTrue(r.tracking().idf1() > 0.5 && r.tracking().idf1() <= 1, r.summary());
        assertTrue(r.tracking().idSwitches() <= 3, r.summary());
        assertTrue(r.floorError().medianMetres() < 0.35, r.summary());
        assertTrue(r.floorError().p95Metres() <= settingsDistance(), r.summary());
    }

    @Test
    void floorErrorPairsAreOneToOneNearestFirst() {
        List<LabeledPosition> truth =
                List.of(new LabeledPosition(1, 0, 0, 0), new LabeledPosition(2, 0, 1, 0));
        List<LabeledPosition> output =
                List.of(new LabeledPosition(7, 0, 0.9, 0), new LabeledPosition(8, 1, 0, 0));
        // Output 7 is nearer object 2 (0.1) than object 1 (0.9); output 8 is another class.
        assertEquals(List.of(0.1), round(SequenceEvaluation.pairDistances(truth, output, 1.0)));
        assertEquals(0.5, SequenceEvaluation.percentile(new double[] {0, 1}, 0.5), 1e-12);
        assertEquals(
                0.95 * 4, SequenceEvaluation.percentile(new double[] {0, 1, 2, 3, 4}, 0.95), 1e-12);
    }

    @Test
    void badSettingsAreNamed() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> SHORT.withMatchDistance(0));
        assertTrue(e.getMessage().contains("matchDistance"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SHORT.withSeeds(List.of()));
        assertThrows(IllegalArgumentException.class, () -> SHORT.withDuration(0.1, 5));
    }

    private static double settingsDistance() {
        return SHORT.matchDistance();
    }

    private static List<Double> round(List<Double> values) {
        return values.stream().map(v -> Math.round(v * 1e9) / 1e9).toList();
    }
}
