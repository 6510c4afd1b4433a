package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.sim.ScriptedObject.Waypoint;
import dev.edgetwin.vision.RobotPose;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScriptedSceneTest {

    @Test
    void waypointsMoveAtConstantSpeedPerLegAndRestAtTheEnds() {
        var path =
                new Trajectory.Waypoints(
                        new double[] {1, 3, 4},
                        new double[] {0, 4, 4},
                        new double[] {0, 0, 2},
                        0.3,
                        true);
        double[] m = new double[5];
        path.sample(0, m);
        assertEquals(0, m[0], 1e-12);
        assertEquals(0, m[3], 1e-12, "at rest before the first waypoint");
        assertEquals(0, m[2], 1e-12, "facing the first leg");
        path.sample(2, m);
        assertEquals(2, m[0], 1e-12);
        assertEquals(2, m[3], 1e-12, "4 m in 2 s");
        path.sample(3.5, m);
        assertEquals(4, m[0], 1e-12);
        assertEquals(1, m[1], 1e-12);
        assertEquals(2, m[4], 1e-12);
        assertEquals(Math.PI / 2, m[2], 1e-12);
        path.sample(10, m);
        assertEquals(2, m[1], 1e-12);
        assertEquals(0, m[4], 1e-12);
        assertEquals(Math.PI / 2, m[2], 1e-12, "keeps the last leg's heading");

        var box =
                new Trajectory.Waypoints(
                        new double[] {0, 1}, new double[] {0, 0}, new double[] {0, 1}, 0.3, false);
        box.sample(0.5, m);
        assertEquals(0.3, m[2], 1e-12, "a sliding box keeps its yaw");
    }

    @Test
    void aBoxInsideAShelfIsHiddenUntilItFallsIntoTheAisle() {
        // The near shelf row of the main aisle spans y 5.5-7.5 for x 3-13.
        var box =
                ScriptedObject.box(
                        0.5,
                        0.5,
                        0.4,
                        0,
                        List.of(new Waypoint(2, 10, 6.9), new Waypoint(2.4, 10, 9)));
        FactoryScene scene =
                FactoryScene.scripted(7, new RobotPose(5, 9, 0), List.of(), List.of(box));
        SimulatedCamera camera = new SimulatedCamera(scene);
        RobotPose ego = new RobotPose(5, 9, 0);
        assertTrue(camera.render(1.0, ego, 0).groundTruth().isEmpty(), "inside the shelf");
        List<GroundTruth> after = camera.render(3.0, ego, 0).groundTruth();
        assertEquals(1, after.size());
        assertEquals(10, after.get(0).factoryX(), 1e-9);
        assertEquals(9, after.get(0).factoryY(), 1e-9);
        assertEquals(5, after.get(0).robotX(), 1e-9, "relative to the given ego pose");
        // The same instant from elsewhere: the ego pose is the caller's, not the scene's.
        List<GroundTruth> turned =
                camera.render(3.0, new RobotPose(5, 9, Math.PI), 0).groundTruth();
        assertTrue(turned.isEmpty(), "behind the camera");
    }

    @Test
    void occupancyMapMarksShelvesAndWallsInRosLayout(@TempDir Path dir) throws Exception {
        FactoryScene scene =
                FactoryScene.scripted(
                        3,
                        new RobotPose(5, 9, 0),
                        List.of(new Shelf(13, 7.5, 13.5, 12.5, 1.0)),
                        List.of());
        Path yaml = scene.writeOccupancyMap(dir, "hall", 0.1);
        String text = Files.readString(yaml, StandardCharsets.US_ASCII);
        assertTrue(text.contains("image: hall.pgm"), text);
        assertTrue(text.contains("resolution: 0.1"), text);
        byte[] pgm = Files.readAllBytes(dir.resolve("hall.pgm"));
        String header = "P5\n400 200\n255\n";
        assertEquals(header, new String(pgm, 0, header.length(), StandardCharsets.US_ASCII));
        int w = 400;
        int h = 200;
        java.util.function.BiPredicate<Double, Double> occupied =
                (x, y) -> {
                    int col = (int) Math.floor(x / 0.1);
                    int line = h - 1 - (int) Math.floor(y / 0.1);
                    return pgm[header.length() + line * w + col] == 0;
                };
        assertTrue(occupied.test(0.05, 10.0), "west wall");
        assertTrue(occupied.test(20.0, 19.95), "north wall (first lines)");
        assertTrue(occupied.test(8.0, 6.5), "near shelf row");
        assertTrue(occupied.test(13.25, 10.0), "the extra block across the aisle");
        assertFalse(occupied.test(8.0, 10.0), "main aisle");
        assertFalse(occupied.test(14.5, 4.0), "cross aisle");
        assertThrows(IllegalArgumentException.class, () -> scene.writeOccupancyMap(dir, "x", 0));
    }

    @Test
    void scriptedObjectsAreValidatedByName() {
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ScriptedObject.person(
                                        0.5,
                                        1.7,
                                        List.of(new Waypoint(1, 0, 0), new Waypoint(1, 1, 0))));
        assertTrue(e.getMessage().contains("times must increase"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ScriptedObject.box(0, 0.5, 0.4, 0, List.of(new Waypoint(0, 0, 0))));
        assertTrue(e.getMessage().contains("length, width and height"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ScriptedObject.robot(0.8, 0.6, 0.5, 0, List.of()));
    }
}
