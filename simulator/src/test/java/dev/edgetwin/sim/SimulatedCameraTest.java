package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgetwin.vision.CameraIntrinsics;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SimulatedCameraTest {
    private static final int W = SimulatedCamera.DEFAULT_WIDTH;
    private static final int H = SimulatedCamera.DEFAULT_HEIGHT;

    /**
     * A pixel rendered from base colour b at shade s in [0.55, 1] is round(b * s): off by at most
     * 0.5 per channel at the true s, and by a little more at the least-squares estimate of s.
     */
    private static final double SHADING_TOLERANCE_LEVELS = 1.5;

    @ParameterizedTest
    @ValueSource(doubles = {0, 6})
    void sameSeedAndTimeGiveByteIdenticalFrames(double sigma) {
        var a = camera(FactoryScene.demo(11), sigma);
        var b = camera(FactoryScene.demo(11), sigma);
        for (double t : new double[] {0, 13.37, 61, 1000.25}) {
            RenderedFrame x = a.render(t, 5);
            RenderedFrame y = b.render(t, 5);
            assertArrayEquals(x.frame().rgb(), y.frame().rgb(), "t=" + t);
            assertEquals(x.groundTruth(), y.groundTruth());
            assertEquals(x.egoPose(), y.egoPose());
        }
    }

    @Test
    void differentSeedsAndTimesGiveDifferentFrames() {
        byte[] seed11 = camera(FactoryScene.demo(11), 0).render(20, 0).frame().rgb();
        byte[] seed12 = camera(FactoryScene.demo(12), 0).render(20, 0).frame().rgb();
        byte[] later = camera(FactoryScene.demo(11), 0).render(20.5, 0).frame().rgb();
        assertFalse(Arrays.equals(seed11, seed12));
        assertFalse(Arrays.equals(seed11, later));
    }

    @Test
    void everyRenderReturnsItsOwnPixelArray() {
        var camera = camera(FactoryScene.demo(3), 0);
        RenderedFrame first = camera.render(7, 1);
        byte[] copy = first.frame().rgb().clone();
        RenderedFrame second = camera.render(7, 2);
        assertNotSame(first.frame().rgb(), second.frame().rgb());
        assertArrayEquals(copy, first.frame().rgb(), "a later render changed an earlier frame");
        assertArrayEquals(copy, second.frame().rgb());
        assertEquals(2, second.frame().captureTimeNanos());
        assertEquals("sim", second.frame().cameraId());
    }

    /**
     * The detector's contract: every pixel of an object is its class colour times one factor in
     * [0.55, 1]; no other pixel (floor, markings, shelves, walls, ceiling) comes near any class
     * colour's chromaticity. Also checks that the ground-truth boxes and counts are the extent of
     * the object-id buffer.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 42})
    void objectPixelsKeepTheirClassChromaticityAndNothingElseHasIt(long seed) {
        FactoryScene scene = FactoryScene.demo(seed);
        var camera = camera(scene, 0);
        int[] ids = new int[W * H];
        int objectPixels = 0;
        for (double t = 0; t < 120; t += 10) {
            RenderedFrame f = camera.render(t, 0, ids);
            byte[] rgb = f.frame().rgb();
            Map<Integer, int[]> extents = new HashMap<>();
            for (int p = 0; p < ids.length; p++) {
                int r = rgb[3 * p] & 0xFF;
                int g = rgb[3 * p + 1] & 0xFF;
                int b = rgb[3 * p + 2] & 0xFF;
                if (ids[p] >= 0) {
                    objectPixels++;
                    ObjectClass c = f.objects().get(ids[p]).objectClass();
                    double[] fit = shadeFit(r, g, b, c);
                    if (fit[0] < 0.55 - 0.01
                            || fit[0] > 1.01
                            || fit[1] > SHADING_TOLERANCE_LEVELS) {
                        fail(
                                String.format(
                                        "t=%s pixel (%d, %d) of %s is (%d, %d, %d): shade %.3f,"
                                                + " off by %.2f levels",
                                        t, p % W, p / W, c, r, g, b, fit[0], fit[1]));
                    }
                    int[] e =
                            extents.computeIfAbsent(
                                    ids[p],
                                    k ->
                                            new int[] {
                                                Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, 0
                                            });
                    e[0] = Math.min(e[0], p % W);
                    e[1] = Math.min(e[1], p / W);
                    e[2] = Math.max(e[2], p % W + 1);
                    e[3] = Math.max(e[3], p / W + 1);
                    e[4]++;
                } else {
                    for (ObjectClass c : ObjectClass.values()) {
                        double[] fit = shadeFit(r, g, b, c);
                        if (fit[0] > 0.4 && fit[1] < 12) {
                            fail("background pixel " + p + " looks like " + c + " at t=" + t);
                        }
                    }
                }
            }
            assertEquals(extents.size(), f.groundTruth().size(), "t=" + t);
            for (GroundTruth gt : f.groundTruth()) {
                int[] e = extents.get(gt.objectId());
                assertArrayEquals(
                        e,
                        new int[] {gt.x1(), gt.y1(), gt.x2(), gt.y2(), gt.visiblePixels()},
                        gt.toString());
            }
        }
        assertTrue(objectPixels > 10_000, "too few object pixels to mean anything");
    }

    /** The ego's yaw and the objects' yaws all matter: a scene where none of them is zero. */
    static FactoryScene turnedScene() {
        RobotPose ego = new RobotPose(20, 10, 2.3);
        Object[][] placed = {
            // class, robot-frame x, y, yaw relative to the ego
            {ObjectClass.ROBOT, 4.0, 0.5, 0.7},
            {ObjectClass.BOX, 6.0, -1.5, 1.1},
            {ObjectClass.PERSON, 5.0, 2.0, 0.0},
            {ObjectClass.ROBOT, 9.0, -2.5, -0.4},
            {ObjectClass.BOX, 3.0, 1.8, 0.3},
            {ObjectClass.PERSON, 11.0, 0.0, 0.0},
        };
        var objects = new ArrayList<DynamicObject>();
        for (Object[] o : placed) {
            ObjectClass c = (ObjectClass) o[0];
            double rx = (double) o[1];
            double ry = (double) o[2];
            double yaw = ego.yaw() + (double) o[3];
            double[] size =
                    switch (c) {
                        case ROBOT -> new double[] {0.8, 0.6, 0.5};
                        case PERSON -> new double[] {0.5, 0.5, 1.7};
                        case BOX -> new double[] {0.5, 0.45, 0.4};
                    };
            objects.add(
                    new DynamicObject(
                            objects.size(),
                            c,
                            size[0],
                            size[1],
                            size[2],
                            new Trajectory.Parked(
                                    ego.factoryX(rx, ry), ego.factoryY(rx, ry), yaw)));
        }
        return new FactoryScene(
                9,
                new Trajectory.Parked(ego.x(), ego.y(), ego.yaw()),
                List.of(),
                List.of(),
                objects);
    }

    @Test
    void groundTruthGeometryHoldsWithTurnedEgoAndObjects() {
        var camera = camera(turnedScene(), 0);
        RenderedFrame f = assertGeometryConsistent(camera, 0);
        assertEquals(6, f.groundTruth().size(), f.groundTruth().toString());
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42})
    void groundTruthGeometryHoldsInTheDemo(long seed) {
        var camera = camera(FactoryScene.demo(seed), 0);
        for (double t = 0; t < 120; t += 4.1) {
            assertGeometryConsistent(camera, t);
        }
    }

    /**
     * Checks ground truth against {@link CameraModel#project}, which shares no code with the ray
     * caster: an unoccluded object's box contains its centre at half height (and that pixel shows
     * it), a cuboid's box matches its projected corners to within 2 px, and the contact point is
     * the floor point under the object's centre.
     */
    private static RenderedFrame assertGeometryConsistent(SimulatedCamera camera, double t) {
        CameraModel model = camera.cameraModel();
        int[] ids = new int[W * H];
        RenderedFrame f = camera.render(t, 0, ids);
        double[] uv = new double[2];
        double[] xy = new double[2];
        int checked = 0;
        for (GroundTruth gt : f.groundTruth()) {
            SimObject o = f.objects().get(gt.objectId());
            assertEquals(o.objectClass(), gt.objectClass());
            assertEquals(f.egoPose().robotX(o.x(), o.y()), gt.robotX(), 1e-9);
            assertEquals(f.egoPose().robotY(o.x(), o.y()), gt.robotY(), 1e-9);
            assertTrue(gt.hasContactPoint(), gt.toString());
            assertTrue(model.floorPoint(gt.contactU(), gt.contactV(), xy), gt.toString());
            double range = Math.hypot(gt.robotX(), gt.robotY());
            assertEquals(gt.robotX(), xy[0], 1e-6 * range, "contact point of " + gt);
            assertEquals(gt.robotY(), xy[1], 1e-6 * range, "contact point of " + gt);
            if (gt.truncated() || gt.visibleFraction() < 1) {
                continue;
            }
            checked++;
            assertTrue(model.project(gt.robotX(), gt.robotY(), o.height() / 2, uv));
            String where = "t=" + t + " " + gt + " centre at (" + uv[0] + ", " + uv[1] + ")";
            assertTrue(gt.x1() <= uv[0] && uv[0] < gt.x2(), where);
            assertTrue(gt.y1() <= uv[1] && uv[1] < gt.y2(), where);
            assertEquals(o.id(), ids[(int) uv[1] * W + (int) uv[0]], where);
            assertTrue(gt.x1() - 1 <= gt.contactU() && gt.contactU() <= gt.x2() + 1, where);
            assertTrue(gt.y1() - 1 <= gt.contactV() && gt.contactV() <= gt.y2() + 1, where);
            if (o.objectClass() != ObjectClass.PERSON) {
                double[] box = projectedCorners(model, f.egoPose(), o);
                String corners = where + " corners " + Arrays.toString(box);
                assertEquals(box[0], gt.x1(), 2, corners);
                assertEquals(box[1], gt.y1(), 2, corners);
                assertEquals(box[2], gt.x2(), 2, corners);
                assertEquals(box[3], gt.y2(), 2, corners);
            }
        }
        assertTrue(checked > 0, "no unoccluded object at t=" + t);
        return f;
    }

    private static double[] projectedCorners(CameraModel model, RobotPose ego, SimObject o) {
        double[] box = {
            Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.NEGATIVE_INFINITY
        };
        double[] uv = new double[2];
        double c = Math.cos(o.yaw());
        double s = Math.sin(o.yaw());
        for (int i = 0; i < 8; i++) {
            double lx = ((i & 1) == 0 ? -0.5 : 0.5) * o.length();
            double ly = ((i & 2) == 0 ? -0.5 : 0.5) * o.width();
            double fx = o.x() + c * lx - s * ly;
            double fy = o.y() + s * lx + c * ly;
            double z = (i & 4) == 0 ? 0 : o.height();
            assertTrue(model.project(ego.robotX(fx, fy), ego.robotY(fx, fy), z, uv));
            box[0] = Math.min(box[0], uv[0]);
            box[1] = Math.min(box[1], uv[1]);
            box[2] = Math.max(box[2], uv[0]);
            box[3] = Math.max(box[3], uv[1]);
        }
        return box;
    }

    static CameraModel distortedCameraModel() {
        CameraModel pinhole = SimulatedCamera.defaultCameraModel();
        CameraIntrinsics k = pinhole.intrinsics();
        return new CameraModel(
                new CameraIntrinsics(
                        k.width(),
                        k.height(),
                        k.fx(),
                        k.fy(),
                        k.cx(),
                        k.cy(),
                        -0.08,
                        0.01,
                        0.001,
                        -0.0005),
                pinhole.mount());
    }

    /**
     * Screen-rectangle culling is only a speed-up: with it, every pixel and every ground-truth
     * number is what testing every object against every pixel gives, for a pinhole and a distorted
     * lens, with objects beside and behind the camera.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void cullingToScreenRectanglesChangesNothing(boolean distorted) {
        CameraModel model =
                distorted ? distortedCameraModel() : SimulatedCamera.defaultCameraModel();
        for (FactoryScene scene : List.of(FactoryScene.demo(8), turnedScene())) {
            var culled = new SimulatedCamera(scene, model, "sim", 0, true);
            var everything = new SimulatedCamera(scene, model, "sim", 0, false);
            int[] culledIds = new int[W * H];
            int[] allIds = new int[W * H];
            for (double t = 0; t < 120; t += 19.7) {
                RenderedFrame a = culled.render(t, 0, culledIds);
                RenderedFrame b = everything.render(t, 0, allIds);
                assertArrayEquals(b.frame().rgb(), a.frame().rgb(), scene + " t=" + t);
                assertArrayEquals(allIds, culledIds);
                assertEquals(b.groundTruth(), a.groundTruth(), scene + " t=" + t);
            }
        }
    }

    @Test
    void groundTruthGeometryHoldsThroughADistortedLens() {
        var camera = new SimulatedCamera(turnedScene(), distortedCameraModel(), "sim", 0);
        assertEquals(6, assertGeometryConsistent(camera, 0).groundTruth().size());
    }

    /**
     * In a hall with nothing else: a box in front hides most of a taller box behind it and all of a
     * low box between them; a person stands clear; a robot straddles the left image border.
     */
    @Test
    void visibleFractionAndTruncationFollowOcclusionAndTheBorder() {
        Trajectory ego = new Trajectory.Parked(5, 10, 0);
        // Camera at x = 5.25; the left border at 35 degrees is y = 10 + 0.7 * (x - 5.25).
        List<DynamicObject> objects =
                List.of(
                        box(0, 9, 10, 0.5, 0.6, 0.5),
                        box(1, 12, 10, 0.6, 0.6, 0.7),
                        box(2, 11, 10, 0.3, 0.3, 0.2),
                        new DynamicObject(
                                3,
                                ObjectClass.PERSON,
                                0.5,
                                0.5,
                                1.7,
                                new Trajectory.Parked(9, 12, 0)),
                        new DynamicObject(
                                4,
                                ObjectClass.ROBOT,
                                0.8,
                                0.6,
                                0.5,
                                new Trajectory.Parked(10, 10 + 0.7 * 4.75, 0)));
        var scene = new FactoryScene(1, ego, List.of(), List.of(), objects);
        RenderedFrame f = camera(scene, 0).render(0, 0);
        Map<Integer, GroundTruth> byId = new HashMap<>();
        f.groundTruth().forEach(gt -> byId.put(gt.objectId(), gt));

        assertEquals(1.0, byId.get(0).visibleFraction(), "front box");
        assertFalse(byId.get(0).truncated());
        GroundTruth behind = byId.get(1);
        assertTrue(
                behind.visibleFraction() > 0.05 && behind.visibleFraction() < 0.95,
                behind.toString());
        assertFalse(byId.containsKey(2), "the low box is hidden: " + byId.get(2));
        assertEquals(1.0, byId.get(3).visibleFraction(), "person");
        assertFalse(byId.get(3).truncated());
        assertTrue(byId.get(4).truncated(), byId.get(4).toString());
        assertEquals(0, byId.get(4).x1());

        // The silhouette is what the object covers when it is alone.
        var alone =
                new FactoryScene(
                        1, ego, List.of(), List.of(), List.of(box(0, 12, 10, 0.6, 0.6, 0.7)));
        GroundTruth unoccluded = camera(alone, 0).render(0, 0).groundTruth().get(0);
        assertEquals(unoccluded.visiblePixels(), behind.silhouettePixels());
        assertEquals(unoccluded.silhouettePixels(), unoccluded.visiblePixels());
    }

    private static DynamicObject box(
            int id, double x, double y, double length, double width, double height) {
        return new DynamicObject(
                id, ObjectClass.BOX, length, width, height, new Trajectory.Parked(x, y, 0));
    }

    @Test
    void noiseIsDeterministicGaussianWithTheRequestedSigma() {
        double sigma = 8;
        FactoryScene scene = FactoryScene.demo(5);
        var clean = camera(scene, 0);
        var noisy = camera(scene, sigma);
        int[] first = noiseField(clean.render(30, 0), noisy.render(30, 0));
        int[] again = noiseField(clean.render(30, 0), camera(scene, sigma).render(30, 0));
        int[] later = noiseField(clean.render(31, 0), noisy.render(31, 0));
        assertArrayEquals(first, again, "same seed and time must give the same noise");

        long n = 0;
        double sum = 0;
        double sumSquares = 0;
        double cross = 0;
        for (int i = 0; i < first.length; i++) {
            if (first[i] == Integer.MIN_VALUE || later[i] == Integer.MIN_VALUE) {
                continue;
            }
            n++;
            sum += first[i];
            sumSquares += (double) first[i] * first[i];
            cross += (double) first[i] * later[i];
        }
        assertTrue(n > 500_000, "too few unclamped samples: " + n);
        double mean = sum / n;
        double std = Math.sqrt(sumSquares / n - mean * mean);
        // Both images are rounded to whole levels: where most pixels share one lit value (the
        // floor), that biases the difference by up to half a level.
        assertEquals(0, mean, 0.5, "noise mean");
        assertEquals(sigma, std, 0.2, "noise standard deviation");
        assertEquals(0, cross / n / (std * std), 0.02, "noise of different times is correlated");
    }

    @Test
    void noiseSourceIsStandardNormalAndItsLanesAreIndependent() {
        var noise = new SensorNoise(77, 12.5);
        int n = 1_000_000;
        double sum = 0;
        double sumSquares = 0;
        double lanes01 = 0;
        int withinOne = 0;
        int withinTwo = 0;
        for (int i = 0; i < n; i++) {
            long bits = noise.nextBits();
            double z = SensorNoise.gaussian(bits, i % 4);
            sum += z;
            sumSquares += z * z;
            lanes01 += SensorNoise.gaussian(bits, 0) * SensorNoise.gaussian(bits, 1);
            withinOne += Math.abs(z) < 1 ? 1 : 0;
            withinTwo += Math.abs(z) < 2 ? 1 : 0;
        }
        assertEquals(0, sum / n, 0.005);
        assertEquals(1, Math.sqrt(sumSquares / n), 0.005);
        assertEquals(0.6827, (double) withinOne / n, 0.002);
        assertEquals(0.9545, (double) withinTwo / n, 0.001);
        assertEquals(0, lanes01 / n, 0.005);
        assertEquals(1.959964, SensorNoise.inverseStandardNormal(0.975), 1e-6);
        assertEquals(-3.090232, SensorNoise.inverseStandardNormal(0.001), 1e-6);
    }

    /** Noisy minus clean per channel, or MIN_VALUE where clamping at 0 or 255 could interfere. */
    private static int[] noiseField(RenderedFrame clean, RenderedFrame noisy) {
        byte[] a = clean.frame().rgb();
        byte[] b = noisy.frame().rgb();
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            int c = a[i] & 0xFF;
            out[i] = c < 50 || c > 205 ? Integer.MIN_VALUE : (b[i] & 0xFF) - c;
        }
        return out;
    }

    @Test
    void defaultCameraSeesTheHorizonWhereItsDocumentationSays() {
        CameraModel model = SimulatedCamera.defaultCameraModel();
        double[] xy = new double[2];
        assertFalse(model.floorPoint(W / 2.0, 142.5, xy), "row 142 is above the horizon");
        assertTrue(model.floorPoint(W / 2.0, 143.5, xy), "row 143 sees the floor");
        assertTrue(model.floorPoint(W / 2.0, H - 0.5, xy));
        assertEquals(1.3 + 0.25, xy[0], 0.05, "nearest visible floor");
    }

    @Test
    void rejectsBadArguments() {
        FactoryScene scene = FactoryScene.demo(1);
        CameraModel model = SimulatedCamera.defaultCameraModel();
        var e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SimulatedCamera(scene, model, "sim", -1));
        assertTrue(e.getMessage().contains("noiseSigma") && e.getMessage().contains("-1"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SimulatedCamera(scene, model, "sim", Double.NaN));
        var camera = new SimulatedCamera(scene);
        var wrongSize =
                assertThrows(
                        IllegalArgumentException.class, () -> camera.render(0, 0, new int[10]));
        assertTrue(wrongSize.getMessage().contains("307200"), wrongSize.getMessage());
        assertThrows(IllegalArgumentException.class, () -> camera.render(Double.NaN, 0));
    }

    /** {least-squares shade of the pixel against the class colour, worst channel error}. */
    static double[] shadeFit(int r, int g, int b, ObjectClass c) {
        double dot = r * c.red() + g * c.green() + b * c.blue();
        double norm = c.red() * c.red() + c.green() * c.green() + c.blue() * c.blue();
        double s = dot / norm;
        double error =
                Math.max(
                        Math.abs(r - s * c.red()),
                        Math.max(Math.abs(g - s * c.green()), Math.abs(b - s * c.blue())));
        return new double[] {s, error};
    }

    static SimulatedCamera camera(FactoryScene scene, double sigma) {
        return new SimulatedCamera(scene, SimulatedCamera.defaultCameraModel(), "sim", sigma);
    }
}
