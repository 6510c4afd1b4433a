package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.OutputLayout;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.source.RgbImages;
import dev.edgetwin.vision.source.SourceConfig;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A folder of camera images as the daemon's camera, frames of a wrong size skipped. */
@Timeout(120)
class CameraFeedTest {
    @TempDir Path dir;

    private static void writePng(Frame frame, Path file) throws Exception {
        RgbImages.writePng(frame, file);
    }

    /** Three frames of the demo factory and, in between, one of half the size. */
    private Path folderOfFrames() throws Exception {
        SimulatedCamera camera = new SimulatedCamera(FactoryScene.demo(1));
        Path frames = dir.resolve("frames");
        java.nio.file.Files.createDirectories(frames);
        writePng(camera.render(0, 0).frame(), frames.resolve("0001.png"));
        BufferedImage small = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(small, "png", frames.resolve("0002.png").toFile());
        writePng(camera.render(1, 1).frame(), frames.resolve("0003.png"));
        writePng(camera.render(2, 2).frame(), frames.resolve("0004.png"));
        return frames;
    }

    @Test
    void framesOfTheCalibratedSizeReachTheDaemonAndOthersAreSkippedAndCounted() throws Exception {
        Path frames = folderOfFrames();
        CameraModel model = SimulatedCamera.defaultCameraModel();
        CameraFeed feed =
                CameraFeed.open(
                        new SourceConfig.Folder("folder-cam", frames, 20, true),
                        model,
                        RobotPose.ORIGIN);
        DaemonConfig config =
                new DaemonConfig(
                        "cam",
                        "robot-1",
                        "127.0.0.1",
                        EmbeddedBroker.freePort(),
                        true,
                        null,
                        null,
                        dir.resolve("models"),
                        20,
                        20,
                        0.5f,
                        1,
                        TestProfiles.cpuFp32(),
                        dir.resolve("state"),
                        TwinCodec.JSON,
                        EventDetector.Rules.defaults(),
                        OutputLayout.AUTO);
        BlockingQueue<TwinState> states = new LinkedBlockingQueue<>();
        try (Daemon daemon = Daemon.start(config, feed, states::add)) {
            int withObjects = 0;
            // The first two states are the tracks' warm-up (an object is published once seen in
            // three frames); the six after them must show objects.
            for (int i = 0; i < 8; i++) {
                TwinState s = states.poll(60, TimeUnit.SECONDS);
                assertEquals("folder-cam", s.cameraId());
                if (!s.objects().isEmpty()) {
                    withObjects++;
                }
            }
            // The demo factory's frames show robots, people and boxes in front of the camera.
            assertTrue(withObjects >= 6, withObjects + " of 8 states had objects");
            assertTrue(feed.framesOfTheWrongSize() >= 1, "the 320x240 image was skipped");
            assertEquals(Daemon.State.READY, daemon.state());
        }
        assertFalse(feed.describe().isBlank());
    }
}
