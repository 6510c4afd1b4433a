package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CameraModelTest {

    static List<CameraModel> cameras() {
        return List.of(
                new CameraModel(
                        CameraIntrinsics.fromHorizontalFov(640, 480, 70),
                        CameraMount.forward(0.25, 1.1, 12)),
                new CameraModel(
                        new CameraIntrinsics(
                                1280, 720, 900, 905, 641.5, 358.2, -0.12, 0.03, 0.001, -0.0015),
                        new CameraMount(
                                0.1,
                                -0.2,
                                0.8,
                                Math.toRadians(20),
                                Math.toRadians(25),
                                Math.toRadians(3))));
    }

    @ParameterizedTest
    @MethodSource("cameras")
    void projectingAFloorPointAndCastingItBackGivesThePoint(CameraModel camera) {
        double[] uv = new double[2];
        double[] xy = new double[2];
        for (double x = 1.5; x <= 12; x += 1.5) {
            for (double y = -2; y <= 2; y += 0.5) {
                if (!camera.project(x, y, 0, uv)) {
                    continue;
                }
                if (uv[0] < 0
                        || uv[1] < 0
                        || uv[0] > camera.intrinsics().width()
                        || uv[1] > camera.intrinsics().height()) {
                    continue;
                }
                assertTrue(camera.floorPoint(uv[0], uv[1], xy), "ray should hit the floor");
                assertArrayEquals(new double[] {x, y}, xy, 1e-6, "floor point at " + x + "," + y);
            }
        }
    }

    @Test
    void aForwardCameraSeesThePointStraightAheadAtItsHorizonRow() {
        CameraModel camera =
                new CameraModel(
                        CameraIntrinsics.pinhole(640, 480, 500, 500), CameraMount.forward(0, 1, 0));
        double[] uv = new double[2];
        assertTrue(camera.project(10, 0, 1, uv));
        assertArrayEquals(new double[] {320, 240}, uv, 1e-9);
        // A point to the robot's left appears left in the image, a higher one appears higher.
        assertTrue(camera.project(10, 1, 1.5, uv));
        assertTrue(uv[0] < 320 && uv[1] < 240);
        assertFalse(camera.project(-1, 0, 1, uv), "points behind the camera do not project");
        assertFalse(
                camera.floorPoint(320, 200, new double[2]),
                "rows above the horizon miss the floor");
    }

    @Test
    void pitchingDownMovesTheHorizonUp() {
        CameraModel camera =
                new CameraModel(
                        CameraIntrinsics.pinhole(640, 480, 500, 500),
                        CameraMount.forward(0, 1, 10));
        double[] uv = new double[2];
        assertTrue(camera.project(1000, 0, 1, uv));
        assertEquals(240 - 500 * Math.tan(Math.toRadians(10)), uv[1], 0.05);
    }

    @Test
    void invalidIntrinsicsAreRejectedByName() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CameraIntrinsics.pinhole(640, 480, -1, 500));
        assertTrue(e.getMessage().contains("fx"), e.getMessage());
    }
}
