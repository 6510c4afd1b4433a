package dev.edgetwin.modelkit;

import static dev.edgetwin.modelkit.SyntheticScene.Shape.ELLIPSE;
import static dev.edgetwin.modelkit.SyntheticScene.Shape.RECTANGLE;
import static dev.edgetwin.sim.ObjectClass.BOX;
import static dev.edgetwin.sim.ObjectClass.PERSON;
import static dev.edgetwin.sim.ObjectClass.ROBOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgetwin.modelkit.Detections.Box;
import dev.edgetwin.modelkit.SyntheticScene.Shape;
import dev.edgetwin.sim.ObjectClass;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference detector on hand-made inputs whose true boxes are known to the pixel. Every scene
 * is checked the same way: each object found once with IoU >= 0.7 and its bottom edge within 2 px
 * (floor positions come from the bottom edge), and no other detection.
 */
class ReferenceDetectorAccuracyTest {
    private static final double NOISE = 3;
    private static final float MIN_IOU = 0.7f;
    private static final float MAX_BOTTOM_ERROR = 2;

    // The simulator's palette, as lit: floor, aisle marking, steel shelves, walls, ceiling.
    private static final int FLOOR = 128;
    private static final int MARKING = 235;
    private static final int[] SHELF = {80, 85, 95};
    private static final int[] WALL = {200, 200, 204};
    private static final int[] CEILING = {105, 108, 112};
    private static final int LETTERBOX = 114;
    private static final double[] SHADES = {0.55, 0.7, 0.85, 1.0};

    private static OrtModel model;

    @BeforeAll
    static void load() throws Exception {
        model = new OrtModel(ReferenceDetector.build());
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void findsEveryClassAtEveryShade(long seed) throws Exception {
        SyntheticScene scene = letterboxedFloor();
        scene.clutter(MARKING, MARKING, MARKING, 0, 116, 320, 120);
        ObjectClass[] classes = ObjectClass.values();
        for (int c = 0; c < classes.length; c++) {
            for (int k = 0; k < SHADES.length; k++) {
                int x1 = 10 + 78 * k;
                int y1 = 48 + 76 * c;
                Shape shape = (c + k) % 2 == 0 ? RECTANGLE : ELLIPSE;
                scene.object(classes[c], shape, SHADES[k], x1, y1, x1 + 40 + 6 * k, y1 + 64);
            }
        }
        assertDetectsExactly(scene, seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void separatesSameClassObjectsInOneRow(long seed) throws Exception {
        SyntheticScene scene =
                letterboxedFloor()
                        .object(PERSON, ELLIPSE, 0.9, 20, 60, 50, 200)
                        .object(PERSON, RECTANGLE, 0.6, 54, 90, 80, 190)
                        .object(BOX, RECTANGLE, 0.7, 100, 150, 150, 190)
                        .object(BOX, ELLIPSE, 1.0, 156, 140, 196, 200)
                        .object(ROBOT, RECTANGLE, 0.55, 210, 100, 250, 140)
                        .object(ROBOT, RECTANGLE, 0.8, 254, 110, 314, 150)
                        .object(BOX, RECTANGLE, 0.85, 210, 220, 240, 250)
                        .object(BOX, RECTANGLE, 0.6, 290, 200, 316, 260);
        assertDetectsExactly(scene, seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void findsTinyObjectsWhereverTheyFallOnTheAnchorGrid(long seed) throws Exception {
        SyntheticScene scene = letterboxedFloor();
        ObjectClass[] classes = ObjectClass.values();
        for (int c = 0; c < classes.length; c++) {
            for (int k = 0; k < 8; k++) {
                // Offsets 0..7 against the stride-8 grid in x, scattered in y; 9 to 12 px.
                int x1 = 8 + 38 * k + k;
                int y1 = 60 + 70 * c + (3 * k) % 8;
                Shape shape = k % 2 == 0 ? RECTANGLE : ELLIPSE;
                double shade = 0.55 + 0.45 * k / 7;
                scene.object(classes[c], shape, shade, x1, y1, x1 + 9 + k % 3, y1 + 10 + k % 2);
            }
        }
        assertDetectsExactly(scene, seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void findsNothingOnFloorMarkingsShelvesWallsAndCeiling(long seed) throws Exception {
        SyntheticScene scene = letterboxedFloor();
        scene.clutter(CEILING[0], CEILING[1], CEILING[2], 0, 40, 320, 70);
        for (int k = 0; k < SHADES.length; k++) {
            int[] wall = lit(WALL, SHADES[k]);
            scene.clutter(wall[0], wall[1], wall[2], 80 * k, 70, 80 * k + 80, 100);
            int[] shelf = lit(SHELF, SHADES[k]);
            scene.clutter(shelf[0], shelf[1], shelf[2], 80 * k, 100, 80 * k + 60, 190);
        }
        for (int k = 0; k < 6; k++) {
            scene.clutter(MARKING, MARKING, MARKING, 0, 200 + 12 * k, 320, 202 + 12 * k + k);
            scene.clutter(MARKING, MARKING, MARKING, 20 + 50 * k, 190, 22 + 50 * k + k, 280);
        }
        assertEquals(List.of(), detect(scene, seed, 6), "detections on an empty scene");
    }

    @Test
    void findsObjectsCutByTheImageBorder() throws Exception {
        SyntheticScene scene =
                new SyntheticScene(FLOOR)
                        .object(BOX, RECTANGLE, 0.7, -30, 100, 40, 150)
                        .object(PERSON, ELLIPSE, 0.9, 280, 200, 340, 360)
                        .object(ROBOT, RECTANGLE, 0.6, 120, -20, 200, 30);
        assertDetectsExactly(scene, 1);
    }

    @Test
    void findsObjectsOfDifferentClassesThatTouch() throws Exception {
        SyntheticScene scene =
                letterboxedFloor()
                        .object(ROBOT, RECTANGLE, 0.75, 40, 150, 140, 210)
                        .object(PERSON, RECTANGLE, 0.85, 120, 60, 160, 200)
                        .object(BOX, RECTANGLE, 0.65, 160, 170, 220, 215)
                        .object(ROBOT, ELLIPSE, 0.95, 220, 120, 300, 200);
        assertDetectsExactly(scene, 1);
    }

    /** Regression: a row of boxes along a shelf used to come out as one box per row. */
    @Test
    void separatesNearerBoxFromTheOneBehindItByItsLitTop() throws Exception {
        SyntheticScene scene =
                letterboxedFloor()
                        .litFromAbove(BOX, 0.94, 0.73, 3, 100, 100, 150, 130)
                        .litFromAbove(BOX, 0.94, 0.73, 4, 100, 126, 150, 170)
                        .litFromAbove(ROBOT, 0.94, 0.685, 5, 200, 80, 260, 120)
                        .litFromAbove(ROBOT, 0.94, 0.73, 6, 195, 110, 270, 170);
        assertDetectsExactly(scene, 1);
    }

    private static SyntheticScene letterboxedFloor() {
        return new SyntheticScene(FLOOR)
                .clutter(LETTERBOX, LETTERBOX, LETTERBOX, 0, 0, 320, 40)
                .clutter(LETTERBOX, LETTERBOX, LETTERBOX, 0, 280, 320, 320);
    }

    private static int[] lit(int[] base, double shade) {
        return new int[] {
            (int) Math.round(base[0] * shade),
            (int) Math.round(base[1] * shade),
            (int) Math.round(base[2] * shade)
        };
    }

    private static List<Box> detect(SyntheticScene scene, long seed, double noise)
            throws Exception {
        return Detections.decode(model.run(scene.render(seed, noise)));
    }

    private static void assertDetectsExactly(SyntheticScene scene, long seed) throws Exception {
        List<Box> truth = scene.truth();
        List<Box> found = detect(scene, seed, NOISE);
        String context = "truth " + truth + "\nfound " + found;
        for (Box t : truth) {
            Box best = null;
            for (Box d : found) {
                if (d.classId() == t.classId() && (best == null || d.iou(t) > best.iou(t))) {
                    best = d;
                }
            }
            if (best == null) {
                fail("missed " + t + "\n" + context);
            }
            assertTrue(best.iou(t) >= MIN_IOU, "IoU " + best.iou(t) + " for " + t + "\n" + context);
            assertEquals(t.y2(), best.y2(), MAX_BOTTOM_ERROR, "bottom of " + t + "\n" + context);
        }
        for (Box d : found) {
            boolean matches = false;
            for (Box t : truth) {
                matches |= d.classId() == t.classId() && d.iou(t) >= 0.5f;
            }
            assertTrue(matches, "false positive " + d + "\n" + context);
        }
        assertEquals(truth.size(), found.size(), "one detection per object\n" + context);
    }
}
