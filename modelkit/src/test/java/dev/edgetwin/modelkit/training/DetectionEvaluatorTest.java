package dev.edgetwin.modelkit.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.vision.Detection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AP arithmetic on cases small enough to work out by hand. */
class DetectionEvaluatorTest {
    private static final double EXACT = 1e-12;

    @Test
    void perfectDetectionsScoreOneForEveryClass() {
        List<List<GroundTruth>> truth = new ArrayList<>();
        List<List<Detection>> detections = new ArrayList<>();
        int id = 0;
        for (int frame = 0; frame < 3; frame++) {
            List<GroundTruth> objects = new ArrayList<>();
            List<Detection> found = new ArrayList<>();
            for (ObjectClass c : ObjectClass.values()) {
                int x = 20 + 150 * c.id() + 10 * frame;
                objects.add(object(id++, c, x, 100, x + 40, 180));
                found.add(detection(c, 0.6f + 0.1f * frame, x, 100, x + 40, 180));
            }
            truth.add(objects);
            detections.add(found);
        }

        EvaluationReport r = DetectionEvaluator.score("perfect", 7, detections, truth);

        assertEquals(1.0, r.meanAp(), EXACT);
        for (EvaluationReport.ClassResult c : r.classes()) {
            assertEquals(1.0, c.ap(), EXACT, c.name());
            assertEquals(3, c.groundTruth(), c.name());
            assertEquals(3, c.truePositives(), c.name());
            assertEquals(0, c.falsePositives(), c.name());
        }
        assertEquals(9, r.groundTruth());
        assertEquals(3, r.scenes());
        assertEquals(7, r.testSeed());
        assertEquals(List.of("robot", "person", "box"), names(r));
    }

    /**
     * Three robots in two frames; detections in confidence order: hit, miss, hit, duplicate; the
     * third robot never found. Precision 1, 1/2, 2/3, 1/2 at recall 1/3, 1/3, 2/3, 2/3: AP = 1/3 x
     * 1 + 1/3 x 2/3 = 5/9.
     */
    @Test
    void missesFalsePositivesAndDuplicatesGiveTheHandComputedAp() {
        GroundTruth a = object(0, ObjectClass.ROBOT, 10, 10, 60, 60);
        GroundTruth b = object(1, ObjectClass.ROBOT, 200, 10, 260, 70);
        GroundTruth c = object(2, ObjectClass.ROBOT, 400, 300, 440, 340);
        List<List<GroundTruth>> truth = List.of(List.of(a, b), List.of(c));
        List<List<Detection>> detections =
                List.of(
                        List.of(
                                detection(ObjectClass.ROBOT, 0.9f, 10, 10, 60, 60), // a: hit
                                detection(ObjectClass.ROBOT, 0.8f, 500, 400, 540, 440), // nothing
                                detection(ObjectClass.ROBOT, 0.7f, 202, 12, 262, 72), // b: hit
                                detection(ObjectClass.ROBOT, 0.6f, 12, 10, 62, 60)), // a again
                        List.of());

        EvaluationReport r = DetectionEvaluator.score("pattern", 1, detections, truth);

        EvaluationReport.ClassResult robot = r.classes().get(ObjectClass.ROBOT.id());
        assertEquals(5.0 / 9, robot.ap(), EXACT);
        assertEquals(3, robot.groundTruth());
        assertEquals(4, robot.detections());
        assertEquals(2, robot.truePositives());
        assertEquals(2, robot.falsePositives());
        assertEquals(0.5, robot.precision(), EXACT);
        assertEquals(2.0 / 3, robot.recall(), EXACT);
        // Classes without ground truth have no AP and stay out of the mean.
        assertTrue(Double.isNaN(r.ap("person")));
        assertEquals(5.0 / 9, r.meanAp(), EXACT);
    }

    @Test
    void detectionsOfIgnoredObjectsAreNeitherRightNorWrong() {
        GroundTruth seen = object(0, ObjectClass.PERSON, 10, 10, 40, 110);
        // 20% visible: ignored. And one too short to count (7 px).
        GroundTruth hidden = partlyHidden(1, ObjectClass.PERSON, 100, 10, 130, 110, 0.2);
        GroundTruth tiny = object(2, ObjectClass.PERSON, 300, 50, 303, 57);
        List<List<GroundTruth>> truth = List.of(List.of(seen, hidden, tiny));
        List<Detection> found =
                List.of(
                        detection(ObjectClass.PERSON, 0.95f, 100, 10, 130, 110),
                        detection(ObjectClass.PERSON, 0.9f, 300, 50, 303, 57),
                        detection(ObjectClass.PERSON, 0.8f, 10, 10, 40, 110),
                        detection(ObjectClass.PERSON, 0.7f, 500, 10, 530, 110));

        EvaluationReport r = DetectionEvaluator.score("ignored", 1, List.of(found), truth);

        EvaluationReport.ClassResult person = r.classes().get(ObjectClass.PERSON.id());
        assertEquals(1, person.groundTruth());
        assertEquals(2, person.ignored());
        // The false positive comes after the only counted object was found: AP stays 1.
        assertEquals(1.0, person.ap(), EXACT);
        assertEquals(1, person.truePositives());
        assertEquals(1, person.falsePositives());
        assertFalse(DetectionEvaluator.counts(hidden));
        assertFalse(DetectionEvaluator.counts(tiny));
        assertTrue(DetectionEvaluator.counts(seen));
    }

    @Test
    void aDetectionOfTheWrongClassOrOverlappingTooLittleIsAFalsePositive() {
        GroundTruth box = object(0, ObjectClass.BOX, 100, 100, 200, 200);
        List<Detection> found =
                List.of(
                        // Same place, wrong class: a robot false positive, no box found.
                        detection(ObjectClass.ROBOT, 0.9f, 100, 100, 200, 200),
                        // IoU 50 x 100 / (2 x 100 x 100 - 5000) = 1/3.
                        detection(ObjectClass.BOX, 0.8f, 150, 100, 250, 200),
                        // IoU 0.5 exactly counts: 100 x 100 / (100 x 200).
                        detection(ObjectClass.BOX, 0.7f, 100, 100, 200, 300));

        EvaluationReport r =
                DetectionEvaluator.score("overlap", 1, List.of(found), List.of(List.of(box)));

        EvaluationReport.ClassResult b = r.classes().get(ObjectClass.BOX.id());
        // Precision 0 at recall 0, then 1/2 at recall 1.
        assertEquals(0.5, b.ap(), EXACT);
        assertEquals(1, b.falsePositives());
        assertEquals(1, r.classes().get(ObjectClass.ROBOT.id()).falsePositives());
    }

    @Test
    void takenObjectsMakeLaterMatchesFalseEvenIfAnotherObjectOverlaps() {
        // VOC rule: a detection is judged against the object it overlaps most.
        GroundTruth left = object(0, ObjectClass.BOX, 0, 0, 100, 100);
        GroundTruth right = object(1, ObjectClass.BOX, 40, 0, 140, 100);
        List<Detection> found =
                List.of(
                        detection(ObjectClass.BOX, 0.9f, 0, 0, 100, 100),
                        // IoU 0.82 with left (taken), 0.54 with right: still a false positive.
                        detection(ObjectClass.BOX, 0.8f, 10, 0, 110, 100));

        EvaluationReport r =
                DetectionEvaluator.score("voc", 1, List.of(found), List.of(List.of(left, right)));

        EvaluationReport.ClassResult b = r.classes().get(ObjectClass.BOX.id());
        assertEquals(1, b.truePositives());
        assertEquals(1, b.falsePositives());
        assertEquals(0.5, b.ap(), EXACT);
    }

    @Test
    void apIsTheAreaUnderThePrecisionEnvelope() {
        // Recall 0.25, 0.25, 0.5, 0.75 with precision 1, 0.5, 0.67, 0.75: the envelope lifts the
        // dip, AP = 0.25 x 1 + 0.25 x 0.75 + 0.25 x 0.75.
        double[] recall = {0.25, 0.25, 0.5, 0.75};
        double[] precision = {1, 0.5, 2.0 / 3, 0.75};
        assertEquals(0.625, DetectionEvaluator.allPointAp(recall, precision, 4), EXACT);
        assertEquals(0, DetectionEvaluator.allPointAp(new double[0], new double[0], 0), EXACT);
    }

    @Test
    void rejectsMismatchedFrameCounts() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DetectionEvaluator.score("x", 1, List.of(), List.of(List.of())));
        assertTrue(e.getMessage().contains("0 frames") && e.getMessage().contains("1"));
    }

    @Test
    void summaryListsEveryClassAndTheMean() {
        GroundTruth a = object(0, ObjectClass.ROBOT, 10, 10, 60, 60);
        EvaluationReport r =
                DetectionEvaluator.score(
                        "m.onnx",
                        3,
                        List.of(List.of(detection(ObjectClass.ROBOT, 0.9f, 10, 10, 60, 60))),
                        List.of(List.of(a)));
        String text = r.summary();
        assertTrue(text.contains("m.onnx") && text.contains("test seed 3"), text);
        assertTrue(text.contains("robot") && text.contains("person") && text.contains("box"));
        assertTrue(text.lines().anyMatch(l -> l.matches("mAP50 +1\\.0000")), text);
        assertTrue(r.toString().length() < 200);
    }

    static GroundTruth object(int id, ObjectClass c, int x1, int y1, int x2, int y2) {
        return partlyHidden(id, c, x1, y1, x2, y2, 1);
    }

    static GroundTruth partlyHidden(
            int id, ObjectClass c, int x1, int y1, int x2, int y2, double visibleFraction) {
        int area = (x2 - x1) * (y2 - y1);
        int visible = Math.max(1, (int) Math.round(area * visibleFraction));
        return new GroundTruth(
                id, c, 5, 5, 3, 0, x1, y1, x2, y2, visible, area, false, (x1 + x2) / 2.0, y2);
    }

    static Detection detection(
            ObjectClass c, float confidence, float x1, float y1, float x2, float y2) {
        return new Detection(c.id(), c.label(), confidence, x1, y1, x2, y2);
    }

    private static List<String> names(EvaluationReport r) {
        return r.classes().stream().map(EvaluationReport.ClassResult::name).toList();
    }
}
