package dev.edgetwin.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FloorLocatorTest {
    private final CameraModel camera =
            new CameraModel(
                    CameraIntrinsics.fromHorizontalFov(640, 480, 70),
                    CameraMount.forward(0.25, 1.1, 12));

    @Test
    void anObjectsCentreIsFoundBehindItsContactPointInTheFactoryFrame() {
        // An object of radius 0.3 whose centre is 6 m ahead and 1 m left of the robot; the camera
        // sees the nearest point of its footprint, 0.3 m closer along the line of sight.
        double cx = 6;
        double cy = 1;
        double range = Math.hypot(cx - 0.25, cy);
        double contactX = cx - 0.3 * (cx - 0.25) / range;
        double contactY = cy - 0.3 * cy / range;
        double[] uv = new double[2];
        assertTrue(camera.project(contactX, contactY, 0, uv));
        Detection d =
                new Detection(
                        2,
                        "box",
                        0.9f,
                        (float) uv[0] - 20,
                        (float) uv[1] - 30,
                        (float) uv[0] + 20,
                        (float) uv[1]);
        RobotPose pose = new RobotPose(10, 5, Math.PI / 2);
        FloorObservation o =
                new FloorLocator(camera, Map.of("box", 0.3)).locate(d, pose).orElseThrow();
        assertEquals(cx, o.robotX(), 1e-3);
        assertEquals(cy, o.robotY(), 1e-3);
        // Facing +y in the factory: forward is +y, left is -x.
        assertEquals(10 - cy, o.x(), 1e-3);
        assertEquals(5 + cx, o.y(), 1e-3);
        assertEquals(range, o.range(), 1e-3);
    }

    @Test
    void detectionsWhoseBottomIsAboveTheHorizonAreNotPlaced() {
        Detection d = new Detection(0, "robot", 0.9f, 300, 10, 340, 40);
        assertTrue(new FloorLocator(camera, Map.of()).locate(d, RobotPose.ORIGIN).isEmpty());
    }
}
