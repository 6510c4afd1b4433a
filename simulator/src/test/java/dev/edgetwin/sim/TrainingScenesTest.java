package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The varied training and test scenes: determinism, what varies and by how much, validity. */
class TrainingScenesTest {
    /** Enough scenes for the spreads below; rendering them takes a few seconds. */
    private static final int SCENES = 120;

    @Test
    void aSeedAlwaysGivesTheSameSceneAndFrame() {
        TrainingScene a = TrainingScenes.random(77);
        TrainingScene b = TrainingScenes.random(77);
        assertEquals(a.settings(), b.settings());
        assertEquals(a.scene().objectsAt(0), b.scene().objectsAt(0));
        int[] idsA = new int[640 * 480];
        int[] idsB = new int[640 * 480];
        RenderedFrame fa = a.render(idsA);
        RenderedFrame fb = b.render(idsB);
        assertArrayEquals(fa.frame().rgb(), fb.frame().rgb());
        assertArrayEquals(idsA, idsB);
        assertEquals(fa.groundTruth(), fb.groundTruth());
        assertEquals(TrainingScene.CAMERA_ID, fa.frame().cameraId());

        TrainingScene other = TrainingScenes.random(78);
        assertNotEquals(a.settings(), other.settings());
    }

    @Test
    void setsOfDifferentSeedsShareNoScene() {
        Set<Long> train = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            train.add(TrainingScenes.sceneSeed(1, i));
        }
        assertEquals(10_000, train.size());
        for (int i = 0; i < 10_000; i++) {
            assertFalse(train.contains(TrainingScenes.sceneSeed(2, i)), "scene " + i);
        }
        assertEquals(
                TrainingScenes.random(TrainingScenes.sceneSeed(5, 3)).settings(),
                TrainingScenes.random(5, 3).settings());
    }

    @Test
    void scenesVaryLightingCountDistanceOcclusionNoiseAndBlur() {
        List<Double> heights = new ArrayList<>();
        int counted = 0;
        int partlyHidden = 0;
        int truncated = 0;
        int minCount = Integer.MAX_VALUE;
        int maxCount = 0;
        double[] exposure = {Double.MAX_VALUE, 0};
        double[] cast = {Double.MAX_VALUE, -Double.MAX_VALUE};
        double[] elevation = {Double.MAX_VALUE, 0};
        double[] noise = {Double.MAX_VALUE, 0};
        int blurred = 0;
        for (int i = 0; i < SCENES; i++) {
            TrainingScene s = TrainingScenes.random(3, i);
            RenderSettings look = s.settings();
            exposure = range(exposure, look.exposure());
            cast = range(cast, look.redGain() - look.blueGain());
            elevation = range(elevation, Math.toDegrees(Math.asin(look.lightZ())));
            noise = range(noise, look.noiseSigma());
            blurred += look.blurSigma() > 0 ? 1 : 0;
            RenderedFrame frame = s.render();
            minCount = Math.min(minCount, frame.groundTruth().size());
            maxCount = Math.max(maxCount, frame.groundTruth().size());
            for (GroundTruth g : frame.groundTruth()) {
                if (g.visibleFraction() >= 0.3 && g.y2() - g.y1() >= 8) {
                    counted++;
                    heights.add((double) (g.y2() - g.y1()));
                    if (g.visibleFraction() < 0.9) {
                        partlyHidden++;
                    }
                    if (g.truncated()) {
                        truncated++;
                    }
                }
            }
        }
        // Lighting: exposure 0.55-1.35, warm and cool casts, light from 25 to 85 degrees.
        assertTrue(exposure[0] < 0.65 && exposure[1] > 1.25, Arrays.toString(exposure));
        assertTrue(cast[0] < -0.18 && cast[1] > 0.18, Arrays.toString(cast));
        assertTrue(elevation[0] < 35 && elevation[1] > 75, Arrays.toString(elevation));
        assertTrue(noise[0] < 1 && noise[1] > 7, Arrays.toString(noise));
        assertTrue(blurred > SCENES / 4 && blurred < 3 * SCENES / 4, blurred + " blurred");
        // Object count.
        assertTrue(minCount <= 2 && maxCount >= 10, minCount + ".." + maxCount);
        // Distance: image heights of counted objects spread far more than 4x (10th vs 90th
        // percentile, so that a few extremes do not carry it).
        heights.sort(null);
        double p10 = heights.get(heights.size() / 10);
        double p90 = heights.get(heights.size() * 9 / 10);
        assertTrue(p90 / p10 >= 4, "heights " + p10 + " .. " + p90);
        // Occlusion and the image border.
        assertTrue(partlyHidden >= counted / 10, partlyHidden + " of " + counted + " hidden");
        assertTrue(truncated >= counted / 20, truncated + " of " + counted + " truncated");
    }

    @Test
    void objectsNeverOverlapEachOtherShelvesWallsOrTheEgo() {
        for (int i = 0; i < 300; i++) {
            FactoryScene scene = TrainingScenes.random(4, i).scene();
            RobotPose ego = scene.egoPoseAt(0);
            Footprint egoPrint =
                    Footprint.rectangle(
                            ego.x(),
                            ego.y(),
                            ego.yaw(),
                            FactoryScene.EGO_LENGTH,
                            FactoryScene.EGO_WIDTH);
            List<SimObject> objects = scene.objectsAt(0);
            for (Shelf s : scene.shelves()) {
                assertTrue(
                        s.x0() >= 0
                                && s.y0() >= 0
                                && s.x1() <= FactoryScene.HALL_LENGTH
                                && s.y1() <= FactoryScene.HALL_WIDTH,
                        "scene " + i + ": " + s);
                assertFalse(Footprint.of(s).overlaps(egoPrint), "scene " + i + ": " + s);
            }
            for (SimObject o : objects) {
                Footprint f = Footprint.of(o);
                assertTrue(f.insideHall(), "scene " + i + ": " + o);
                assertFalse(f.overlaps(egoPrint), "scene " + i + ": " + o + " on the ego");
                for (Shelf s : scene.shelves()) {
                    assertFalse(f.overlaps(Footprint.of(s)), "scene " + i + ": " + o + " in " + s);
                }
                for (SimObject other : objects) {
                    if (other.id() != o.id()) {
                        assertFalse(
                                f.overlaps(Footprint.of(other)),
                                "scene " + i + ": " + o + " and " + other);
                    }
                }
            }
        }
    }

    private static double[] range(double[] r, double v) {
        return new double[] {Math.min(r[0], v), Math.max(r[1], v)};
    }
}
