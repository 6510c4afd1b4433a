package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.source.RgbImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code edgetwin models quantize} on the reference detector: from simulator frames and from a
 * folder of images, what inspect then shows, and the errors a technician can make.
 */
class ModelsQuantizeCommandTest {
    private static final Path FIXTURES = Path.of("../device-profiles/src/test/resources/fixtures");

    @TempDir Path dir;

    @Test
    void quantizesOnSimulatorFramesAndInspectShowsTheCalibration() throws Exception {
        Path model = ModelCache.ensureReferenceDetector(dir);
        Path out = dir.resolve("int8.onnx");
        CliRun q =
                CliRun.execute(
                        "models", "quantize", model.toString(), out.toString(), "--frames", "2");
        assertEquals(0, q.code(), q.err());
        assertTrue(
                q.out().startsWith("wrote " + out + " (")
                        && q.out().contains("static QDQ S8S8, per-channel weights, int32 bias"),
                q.out());
        assertTrue(
                q.out()
                        .contains(
                                "  calibration   minmax over 2 frames from simulator seed 1, a frame"
                                        + " every 3 s"),
                q.out());
        assertTrue(q.out().contains("  kept float    160: "), q.out());

        CliRun i =
                CliRun.execute(
                        "models",
                        "inspect",
                        out.toString(),
                        "--device-root",
                        FIXTURES.resolve("x86_64-cpu").toString());
        assertEquals(0, i.code(), i.err());
        // Most of this detector's weights are in its decode head, which stays float.
        assertTrue(i.out().contains("quantized   yes, 22 QDQ pairs"), i.out());
        for (String line :
                new String[] {
                    "edgetwin.quantization: static QDQ S8S8, per-channel weights, int32 bias",
                    "edgetwin.calibration.method: minmax",
                    "edgetwin.calibration.frames: 2",
                    "edgetwin.calibration.source: simulator seed 1, a frame every 3 s",
                    "edgetwin.calibration.sha256: ",
                    "edgetwin.quantizer: dev.edgetwin.modelkit.quantize.StaticQuantizer ",
                    "edgetwin.generator: dev.edgetwin.modelkit.ReferenceDetector"
                }) {
            assertTrue(i.out().contains(line), line + " in\n" + i.out());
        }
        // Same inputs and outputs as the float model, and ONNX Runtime runs it.
        assertTrue(i.out().contains("images   float32 [1, 3, 320, 320]"), i.out());
        assertTrue(i.out().contains("output0  float32 [1, 7, 1600]"), i.out());
        assertTrue(i.out().lines().anyMatch(l -> l.matches("\\s+cpu\\s+runs .*")), i.out());
    }

    @Test
    void quantizesOnAFolderOfImagesWithTheChosenMethodAndFormat() throws Exception {
        Path model = ModelCache.ensureReferenceDetector(dir);
        Path images = Files.createDirectory(dir.resolve("frames"));
        SimulatedCamera camera = new SimulatedCamera(FactoryScene.demo(5));
        for (int k = 0; k < 2; k++) {
            writePng(camera.render(7.0 * k, 0).frame(), images.resolve("frame" + k + ".png"));
        }
        Path out = dir.resolve("int8.onnx");
        CliRun q =
                CliRun.execute(
                        "models",
                        "quantize",
                        model.toString(),
                        out.toString(),
                        "--calibration",
                        images.toString(),
                        "--method",
                        "percentile",
                        "--percentile",
                        "99.9",
                        "--format",
                        "u8s8",
                        "--exclude-op",
                        "Gemm");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().contains("static QDQ U8S8, per-channel weights, int32 bias"), q.out());
        assertTrue(
                q.out()
                        .contains(
                                "  calibration   percentile 99.9 over 2 frames from "
                                        + images.toAbsolutePath().normalize()),
                q.out());
        assertTrue(q.out().contains("(--exclude-op Gemm)"), q.out());
    }

    @Test
    void capturesItsCalibrationFramesFromTheConfiguredCamera() throws Exception {
        Path model = ModelCache.ensureReferenceDetector(dir);
        Path images = Files.createDirectory(dir.resolve("camera"));
        SimulatedCamera camera = new SimulatedCamera(FactoryScene.demo(9));
        for (int k = 0; k < 2; k++) {
            writePng(camera.render(5.0 * k, 0).frame(), images.resolve("frame" + k + ".png"));
        }
        Path out = dir.resolve("int8-camera.onnx");
        CliRun q =
                CliRun.execute(
                        "models",
                        "quantize",
                        model.toString(),
                        out.toString(),
                        "--frames",
                        "3",
                        "--camera",
                        "folder:" + images,
                        "--frame-interval",
                        "0");
        assertEquals(0, q.code(), q.err());
        assertTrue(
                q.out()
                        .contains(
                                "  calibration   minmax over 3 frames from camera 'front' (folder:"
                                        + images
                                        + "), a frame every 0 s"),
                q.out());

        CliRun dead =
                CliRun.execute(
                        "models",
                        "quantize",
                        model.toString(),
                        out.toString(),
                        "--frames",
                        "3",
                        "--camera",
                        "folder:" + dir.resolve("no-such-folder"),
                        "--frame-interval",
                        "0",
                        "--capture-timeout",
                        "2");
        assertEquals(2, dead.code(), dead.out());
        assertTrue(dead.err().contains("delivered 0 of 3 frames within"), dead.err());
    }

    @Test
    void namesWhatIsWrong() throws Exception {
        Path model = ModelCache.ensureReferenceDetector(dir);
        String out = dir.resolve("out.onnx").toString();
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path notes = Files.writeString(dir.resolve("notes.onnx"), "hello\n");
        String m = model.toString();

        expectError(
                "Missing required argument (specify one of these): (--calibration=DIR |"
                        + " --frames=N)",
                "models",
                "quantize",
                m,
                out);
        expectError(
                "mutually exclusive",
                "models",
                "quantize",
                m,
                out,
                "--frames",
                "1",
                "--calibration",
                empty.toString());
        expectError(
                "edgetwin models quantize: 0 calibration frames asked for; calibration needs at"
                        + " least one",
                "models",
                "quantize",
                m,
                out,
                "--frames",
                "0");
        expectError(
                "edgetwin models quantize: calibration folder "
                        + empty
                        + ": no .png, .jpg or .jpeg images in it (it is empty)",
                "models",
                "quantize",
                m,
                out,
                "--calibration",
                empty.toString());
        expectError(
                "edgetwin models quantize: " + notes + ": is a text file",
                "models",
                "quantize",
                notes.toString(),
                out,
                "--frames",
                "1");
        expectError(
                "edgetwin models quantize: calibration method 'kl' is not one of minmax,"
                        + " percentile, entropy",
                "models",
                "quantize",
                m,
                out,
                "--frames",
                "1",
                "--method",
                "kl");
        expectError(
                "edgetwin models quantize: "
                        + m
                        + ": --exclude-node conv_99: no node has that name",
                "models",
                "quantize",
                m,
                out,
                "--frames",
                "1",
                "--exclude-node",
                "conv_99");
        assertFalse(Files.exists(Path.of(out)));
    }

    private static void expectError(String message, String... args) {
        CliRun r = CliRun.execute(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in\n" + r.err());
    }

    private static void writePng(Frame frame, Path file) throws Exception {
        RgbImages.writePng(frame, file);
    }
}
