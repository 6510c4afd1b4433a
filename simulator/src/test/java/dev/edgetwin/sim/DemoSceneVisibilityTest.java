package dev.edgetwin.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.RobotPose;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The promise {@link FactoryScene#demo} makes to the daemon and to detector tests. */
class DemoSceneVisibilityTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 42, -7})
    void everyClassIsInViewAndMostlyVisibleBetweenTwoAndTwelveMetres(long seed) {
        var camera = new SimulatedCamera(FactoryScene.demo(seed));
        CameraMount mount = camera.cameraModel().mount();
        for (int i = 0; i < 40; i++) {
            double t = i * FactoryScene.DEMO_PERIOD_SECONDS / 40;
            RenderedFrame f = camera.render(t, 0);
            RobotPose ego = f.egoPose();
            double cameraX = ego.factoryX(mount.x(), mount.y());
            double cameraY = ego.factoryY(mount.x(), mount.y());
            Set<ObjectClass> seen = EnumSet.noneOf(ObjectClass.class);
            for (GroundTruth gt : f.groundTruth()) {
                double range = Math.hypot(gt.factoryX() - cameraX, gt.factoryY() - cameraY);
                if (gt.visibleFraction() >= 0.5 && !gt.truncated() && range >= 2 && range <= 12) {
                    seen.add(gt.objectClass());
                }
            }
            assertTrue(
                    seen.equals(EnumSet.allOf(ObjectClass.class)),
                    "seed " + seed + " t=" + t + " only " + seen + " in " + f.groundTruth());
        }
    }
}
