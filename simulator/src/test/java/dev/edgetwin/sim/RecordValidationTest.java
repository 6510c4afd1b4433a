package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RecordValidationTest {

    static Stream<Arguments> invalidRecords() {
        return Stream.of(
                bad("id", "-1", () -> simObject(-1, ObjectClass.BOX, 1, 0.5, 0.5)),
                bad(
                        "x",
                        "NaN",
                        () -> new SimObject(0, ObjectClass.BOX, Double.NaN, 0, 0, 1, 1, 1, 0, 0)),
                bad(
                        "yaw",
                        "Infinity",
                        () ->
                                new SimObject(
                                        0,
                                        ObjectClass.BOX,
                                        0,
                                        0,
                                        Double.POSITIVE_INFINITY,
                                        1,
                                        1,
                                        1,
                                        0,
                                        0)),
                bad("length", "0.0", () -> simObject(0, ObjectClass.BOX, 0, 0.5, 0.5)),
                bad("width", "-0.5", () -> simObject(0, ObjectClass.ROBOT, 1, -0.5, 0.5)),
                bad("height", "NaN", () -> simObject(0, ObjectClass.ROBOT, 1, 0.5, Double.NaN)),
                bad(
                        "vy",
                        "NaN",
                        () -> new SimObject(0, ObjectClass.BOX, 0, 0, 0, 1, 1, 1, 0, Double.NaN)),
                bad(
                        "width=0.4",
                        "length=0.5",
                        () -> simObject(0, ObjectClass.PERSON, 0.5, 0.4, 1.7)),
                bad("objectId", "-3", () -> groundTruth(-3, 0, 0, 10, 10, 50, 50, 0, 0)),
                bad("x2=5", "x1=5", () -> groundTruth(0, 5, 0, 5, 10, 1, 1, 0, 0)),
                bad("y1=-1", "y2=10", () -> groundTruth(0, 0, -1, 10, 10, 1, 1, 0, 0)),
                bad("visiblePixels", "101", () -> groundTruth(0, 0, 0, 10, 10, 101, 200, 0, 0)),
                bad("visiblePixels", "0", () -> groundTruth(0, 0, 0, 10, 10, 0, 5, 0, 0)),
                bad("silhouettePixels", "40", () -> groundTruth(0, 0, 0, 10, 10, 50, 40, 0, 0)),
                bad(
                        "contactU=NaN",
                        "contactV=3.0",
                        () -> groundTruth(0, 0, 0, 10, 10, 5, 5, Double.NaN, 3)),
                bad(
                        "contactV=Infinity",
                        "contactU",
                        () -> groundTruth(0, 0, 0, 10, 10, 5, 5, 1, Double.POSITIVE_INFINITY)),
                bad(
                        "simTimeSeconds",
                        "NaN",
                        () ->
                                new RenderedFrame(
                                        Double.NaN,
                                        frame(),
                                        RobotPose.ORIGIN,
                                        List.of(),
                                        List.of())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRecords")
    void rejectsWithAMessageNamingTheFieldAndValue(
            String field, String value, Supplier<Object> construct) {
        var e = assertThrows(IllegalArgumentException.class, construct::get);
        assertTrue(e.getMessage().contains(field), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void acceptsValidRecordsAndNanContactPoints() {
        GroundTruth gt = groundTruth(2, 3, 4, 13, 14, 50, 100, Double.NaN, Double.NaN);
        assertFalse(gt.hasContactPoint());
        assertEquals(0.5, gt.visibleFraction());
        SimObject person = simObject(0, ObjectClass.PERSON, 0.5, 0.5, 1.7);
        assertEquals(0.25, person.footprintBoundingRadius(), 1e-12);
        assertEquals(
                0.5, simObject(1, ObjectClass.BOX, 0.6, 0.8, 0.4).footprintBoundingRadius(), 1e-12);
    }

    @Test
    void renderedFrameCopiesItsListsAndPrintsSizesNotPixels() {
        var objects = new ArrayList<SimObject>();
        objects.add(simObject(0, ObjectClass.BOX, 1, 1, 1));
        var f = new RenderedFrame(1.5, frame(), RobotPose.ORIGIN, objects, List.of());
        objects.clear();
        assertEquals(1, f.objects().size(), "must not alias the caller's list");
        String text = f.toString();
        assertTrue(text.contains("640x480") && text.contains("1 objects"), text);
        assertTrue(text.length() < 200, "toString prints pixels? " + text);
        assertTrue(new SimulatedCamera(FactoryScene.demo(1)).toString().length() < 200);
    }

    private static Arguments bad(String field, String value, Supplier<Object> construct) {
        return Arguments.of(field, value, construct);
    }

    private static SimObject simObject(
            int id, ObjectClass c, double length, double width, double height) {
        return new SimObject(id, c, 1, 2, 0, length, width, height, 0, 0);
    }

    private static GroundTruth groundTruth(
            int id,
            int x1,
            int y1,
            int x2,
            int y2,
            int visible,
            int silhouette,
            double contactU,
            double contactV) {
        return new GroundTruth(
                id,
                ObjectClass.BOX,
                1,
                2,
                3,
                4,
                x1,
                y1,
                x2,
                y2,
                visible,
                silhouette,
                false,
                contactU,
                contactV);
    }

    private static Frame frame() {
        return new Frame("sim", 0, 640, 480, new byte[640 * 480 * 3]);
    }
}
