package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgetwin.vision.RobotPose;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FactorySceneTest {
    private static final long[] SEEDS = {1, 2, 42, -7};

    /** Nominal size of each class: {length, width, height}; demo sizes vary up to +-20%. */
    private static final Map<ObjectClass, double[]> NOMINAL =
            new EnumMap<>(
                    Map.of(
                            ObjectClass.ROBOT, new double[] {0.8, 0.6, 0.5},
                            ObjectClass.PERSON, new double[] {0.5, 0.5, 1.7},
                            ObjectClass.BOX, new double[] {0.5, 0.5, 0.4}));

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void sameSeedGivesTheSameSceneAtEveryTime(long seed) {
        FactoryScene a = FactoryScene.demo(seed);
        FactoryScene b = FactoryScene.demo(seed);
        assertEquals(a.shelves(), b.shelves());
        for (double t = -30; t < 300; t += 7.3) {
            assertEquals(a.objectsAt(t), b.objectsAt(t), "t=" + t);
            assertEquals(a.egoPoseAt(t), b.egoPoseAt(t), "t=" + t);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void seedVariesSizesWithinTwentyPercentOfNominal(long seed) {
        List<SimObject> these = FactoryScene.demo(seed).objectsAt(0);
        List<SimObject> others = FactoryScene.demo(seed + 1).objectsAt(0);
        assertEquals(these.size(), others.size());
        boolean anyDifferent = false;
        for (int i = 0; i < these.size(); i++) {
            SimObject o = these.get(i);
            assertEquals(i, o.id());
            assertEquals(o.objectClass(), others.get(i).objectClass(), "classes are layout");
            double[] nominal = NOMINAL.get(o.objectClass());
            double[] actual = {o.length(), o.width(), o.height()};
            for (int k = 0; k < 3; k++) {
                double ratio = actual[k] / nominal[k];
                assertTrue(ratio >= 0.8 && ratio <= 1.2, o + " dimension " + k);
            }
            anyDifferent |= o.length() != others.get(i).length();
        }
        assertTrue(anyDifferent, "seeds " + seed + " and " + (seed + 1) + " gave equal sizes");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void idsAreStableAndEveryClassIsPresent(long seed) {
        FactoryScene scene = FactoryScene.demo(seed);
        List<SimObject> at0 = scene.objectsAt(0);
        List<SimObject> later = scene.objectsAt(77.7);
        assertEquals(scene.objectCount(), at0.size());
        Map<ObjectClass, Integer> counts = new EnumMap<>(ObjectClass.class);
        for (int i = 0; i < at0.size(); i++) {
            assertEquals(i, at0.get(i).id());
            assertEquals(at0.get(i).id(), later.get(i).id());
            assertEquals(at0.get(i).objectClass(), later.get(i).objectClass());
            assertEquals(at0.get(i).height(), later.get(i).height());
            counts.merge(at0.get(i).objectClass(), 1, Integer::sum);
        }
        for (ObjectClass c : ObjectClass.values()) {
            assertTrue(counts.getOrDefault(c, 0) >= 3, "too few " + c + ": " + counts);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void velocityIsTheTimeDerivativeOfPosition(long seed) {
        FactoryScene scene = FactoryScene.demo(seed);
        double h = 1e-4;
        for (double t = 0; t < 240; t += 3.7) {
            List<SimObject> before = scene.objectsAt(t - h);
            List<SimObject> now = scene.objectsAt(t);
            List<SimObject> after = scene.objectsAt(t + h);
            for (int i = 0; i < now.size(); i++) {
                double vx = (after.get(i).x() - before.get(i).x()) / (2 * h);
                double vy = (after.get(i).y() - before.get(i).y()) / (2 * h);
                assertEquals(vx, now.get(i).vx(), 1e-5, "vx of " + now.get(i));
                assertEquals(vy, now.get(i).vy(), 1e-5, "vy of " + now.get(i));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void movingObjectsFaceTheirDirectionOfTravel(long seed) {
        for (double t = 0.3; t < 240; t += 3.7) {
            for (SimObject o : FactoryScene.demo(seed).objectsAt(t)) {
                double speed = Math.hypot(o.vx(), o.vy());
                if (speed > 1e-3) {
                    assertEquals(o.vx() / speed, Math.cos(o.yaw()), 1e-9, o.toString());
                    assertEquals(o.vy() / speed, Math.sin(o.yaw()), 1e-9, o.toString());
                }
            }
        }
    }

    @Test
    void egoShuttlesTheMainAisleFacingDownIt() {
        FactoryScene scene = FactoryScene.demo(3);
        assertEquals(new RobotPose(6, 9, 0), scene.egoPoseAt(0));
        RobotPose far = scene.egoPoseAt(FactoryScene.DEMO_PERIOD_SECONDS / 2);
        assertEquals(26, far.x(), 1e-9);
        assertEquals(0, far.yaw());
        double previous = scene.egoPoseAt(0).x();
        for (double t = 0.5; t <= 60; t += 0.5) {
            double x = scene.egoPoseAt(t).x();
            assertTrue(x > previous, "ego should drive forward until the far end, t=" + t);
            assertTrue(x - previous < 0.5 * 0.6, "ego too fast at t=" + t);
            previous = x;
        }
        assertEquals(6, scene.egoPoseAt(FactoryScene.DEMO_PERIOD_SECONDS).x(), 1e-9);
    }

    /**
     * Every object's footprint, grown by 2 cm, at 0.2 s steps over ten minutes: inside the hall,
     * clear of every shelf, of the ego robot and of every other object.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void objectsNeverOverlapShelvesWallsTheEgoOrEachOther(long seed) {
        double clearance = 0.02;
        FactoryScene scene = FactoryScene.demo(seed);
        List<Footprint> shelves = scene.shelves().stream().map(Footprint::of).toList();
        for (int step = 0; step < 3000; step++) {
            double t = step * 0.2;
            List<SimObject> objects = scene.objectsAt(t);
            RobotPose ego = scene.egoPoseAt(t);
            Footprint egoFootprint =
                    Footprint.rectangle(
                            ego.x(),
                            ego.y(),
                            ego.yaw(),
                            FactoryScene.EGO_LENGTH,
                            FactoryScene.EGO_WIDTH);
            List<Footprint> footprints =
                    objects.stream().map(o -> Footprint.of(o).grown(clearance)).toList();
            for (Footprint shelf : shelves) {
                if (egoFootprint.overlaps(shelf)) {
                    fail("ego " + ego + " in shelf " + shelf + " at t=" + t);
                }
            }
            for (int i = 0; i < objects.size(); i++) {
                Footprint f = footprints.get(i);
                if (!f.insideHall()) {
                    fail(objects.get(i) + " leaves the hall at t=" + t);
                }
                if (f.overlaps(egoFootprint)) {
                    fail(objects.get(i) + " hits the ego " + ego + " at t=" + t);
                }
                for (Footprint shelf : shelves) {
                    if (f.overlaps(shelf)) {
                        fail(objects.get(i) + " in shelf " + shelf + " at t=" + t);
                    }
                }
                for (int j = i + 1; j < objects.size(); j++) {
                    if (f.overlaps(footprints.get(j))) {
                        fail(objects.get(i) + " hits " + objects.get(j) + " at t=" + t);
                    }
                }
            }
        }
    }

    @Test
    void overlapCheckDetectsTouchingShapes() {
        // The collision test is only as good as this check.
        // x from -1 to 1, y from -0.5 to 0.5.
        Footprint box = Footprint.rectangle(0, 0, 0, 2, 1);
        assertTrue(box.overlaps(Footprint.rectangle(1.2, 0, 0, 0.5, 0.5)));
        assertFalse(box.overlaps(Footprint.rectangle(1.3, 0, 0, 0.5, 0.5)));
        assertFalse(box.overlaps(Footprint.rectangle(0, 0.8, 0, 0.5, 0.5)));
        // Rotated 45 degrees: its corner reaches 0.707 towards the first box.
        assertTrue(box.overlaps(Footprint.rectangle(1.6, 0, Math.PI / 4, 1, 1)));
        assertFalse(box.overlaps(Footprint.rectangle(1.75, 0, Math.PI / 4, 1, 1)));
        assertTrue(box.overlaps(Footprint.circle(1.2, 0.6, 0.3)));
        assertFalse(box.overlaps(Footprint.circle(1.3, 0.7, 0.3)));
        assertTrue(Footprint.circle(0, 0, 1).overlaps(Footprint.circle(1.9, 0, 1)));
        assertFalse(Footprint.circle(0, 0, 1).overlaps(Footprint.circle(2.1, 0, 1)));
    }

    @Test
    void rejectsNonFiniteTimes() {
        FactoryScene scene = FactoryScene.demo(1);
        var e = assertThrows(IllegalArgumentException.class, () -> scene.objectsAt(Double.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> scene.egoPoseAt(Double.POSITIVE_INFINITY));
    }

    @Test
    void differentSeedsGiveDifferentBackgroundTraffic() {
        assertNotEquals(
                FactoryScene.demo(SEEDS[0]).objectsAt(10),
                FactoryScene.demo(SEEDS[1]).objectsAt(10));
    }
}
