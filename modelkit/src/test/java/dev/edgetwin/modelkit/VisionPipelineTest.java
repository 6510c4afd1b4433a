package dev.edgetwin.modelkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.Detections.Box;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.OnnxDetector;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model as the runtime uses it: from the cache, through the vision module's detector (its own
 * letterbox, decoder and metadata parsing), on simulator frames.
 */
class VisionPipelineTest {
    @TempDir Path dir;

    @Test
    void visionsDetectorReadsTheCachedModelAndAgreesWithAPlainDecoder() throws Exception {
        Path path = ModelCache.ensureReferenceDetector(dir);
        var camera =
                new SimulatedCamera(
                        FactoryScene.demo(7), SimulatedCamera.defaultCameraModel(), "sim", 3);
        try (OnnxDetector detector =
                        OnnxDetector.open(path, new OnnxDetector.Options(0.5f, 0.5f, 100, 1));
                OrtModel plain = new OrtModel(ReferenceDetector.build())) {
            assertEquals(DetectorContract.CLASS_NAMES, detector.classNames());
            for (double t : new double[] {0, 35, 70}) {
                Frame frame = camera.render(t, 0).frame();
                List<Detection> viaVision = detector.detect(frame);
                List<Box> viaPlain =
                        Detections.decode(plain.run(SimulatedFactoryTest.letterbox(frame)));
                assertFalse(viaPlain.isEmpty(), "t=" + t);
                assertEquals(viaPlain.size(), viaVision.size(), "t=" + t + ": " + viaVision);
                for (Box b : viaPlain) {
                    // Model input to 640x480: scale 2, 40 rows of padding on top.
                    assertTrue(
                            viaVision.stream()
                                    .anyMatch(
                                            d ->
                                                    d.classId() == b.classId()
                                                            && near(d.x1(), 2 * b.x1())
                                                            && near(d.y1(), 2 * (b.y1() - 40))
                                                            && near(d.x2(), 2 * b.x2())
                                                            && near(d.y2(), 2 * (b.y2() - 40))),
                            "t=" + t + ": " + b + " not among " + viaVision);
                }
            }
        }
    }

    private static boolean near(float a, float b) {
        return Math.abs(a - b) <= 1;
    }
}
