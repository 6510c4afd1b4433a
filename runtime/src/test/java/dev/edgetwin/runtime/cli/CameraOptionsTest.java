package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.source.SourceConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CameraOptionsTest {
    @TempDir Path cache;

    private static CameraOptions options(String camera, String size, String mount) {
        CameraOptions o = new CameraOptions();
        o.camera = camera;
        o.size = size;
        o.mount = mount;
        return o;
    }

    @Test
    void eachSourceKindBecomesItsConfig() {
        SourceConfig folder = options("folder:/data/frames", "640x480", "0.25,1.1,12").source(5);
        SourceConfig.Folder f = assertInstanceOf(SourceConfig.Folder.class, folder);
        assertEquals(Path.of("/data/frames"), f.dir());
        assertEquals(5, f.fps());

        SourceConfig.Mjpeg m =
                assertInstanceOf(
                        SourceConfig.Mjpeg.class,
                        options("mjpeg:http://10.0.0.9/video.mjpg", "640x480", "0,1,0").source(5));
        assertEquals("http://10.0.0.9/video.mjpg", m.url().toString());

        SourceConfig.GStreamer g =
                assertInstanceOf(
                        SourceConfig.GStreamer.class,
                        options("gst:v4l2src device=/dev/video0", "1280x720", "0,1,0").source(5));
        assertEquals(1280, g.width());
        assertEquals(720, g.height());
        assertTrue(g.fullPipeline().startsWith("v4l2src device=/dev/video0 ! "));
    }

    @Test
    void theCalibrationFollowsSizeFieldOfViewAndMount() {
        CameraOptions o = options("folder:/x", "1280x720", "0.3,1.5,20");
        o.horizontalFovDegrees = 90;
        CameraModel model = o.cameraModel();
        assertEquals(1280, model.intrinsics().width());
        assertEquals(720, model.intrinsics().height());
        assertEquals(640, model.intrinsics().fx(), 1e-9, "90 degrees across 1280 px: f = 640");
        assertEquals(1.5, model.mount().z(), 1e-12);
        assertEquals(Math.toRadians(20), model.mount().pitch(), 1e-12);
    }

    @Test
    void aFiveNumberMountTurnsAndShiftsTheCamera() {
        CameraModel m = options("folder:/x", "640x480", "0.2,-0.15,1.3,-30,8").cameraModel();
        assertEquals(-0.15, m.mount().y(), 1e-12);
        assertEquals(Math.toRadians(-30), m.mount().yaw(), 1e-12);
        assertEquals(Math.toRadians(8), m.mount().pitch(), 1e-12);
    }

    @Test
    void badValuesAreNamedWithTheirOption() {
        assertEquals(
                "--camera: 'usb0' is not sim, folder:DIR, mjpeg:URL or gst:PIPELINE",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> options("usb0", "640x480", "0,1,0").source(5))
                        .getMessage());
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> options("folder:", "640x480", "0,1,0").source(5))
                        .getMessage()
                        .contains("expected folder:DIR"));
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> options("mjpeg:http://a b", "640x480", "0,1,0").source(5))
                        .getMessage()
                        .startsWith("--camera mjpeg: 'http://a b' is not a URL"));
        assertEquals(
                "--camera-size: expected WIDTHxHEIGHT between 16 and 16384, got '640by480'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> options("folder:/x", "640by480", "0,1,0").cameraModel())
                        .getMessage());
        assertEquals(
                "--camera-mount: expected X,Z,PITCH or X,Y,Z,YAW,PITCH (numbers), got '1,2'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> options("folder:/x", "640x480", "1,2").cameraModel())
                        .getMessage());
        assertTrue(
                assertThrows(
                                IllegalArgumentException.class,
                                () -> options("folder:/x", "640x480", "0,-1,0").cameraModel())
                        .getMessage()
                        .contains("above the floor"));
    }

    @Test
    void runRejectsABadCameraBeforeStartingAnything() {
        CliRun o =
                CliRun.execute(
                        "run",
                        "--camera",
                        "gst:fakesrc ! fakesink",
                        "--model-cache",
                        cache.toString());
        assertEquals(RunCommand.EXIT_BAD_OPTION, o.code(), o.err());
        assertTrue(o.err().contains("gstreamer source pipeline"), o.err());
    }
}
