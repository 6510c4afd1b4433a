package dev.edgetwin.modelkit.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.QuantizerTestModels;
import dev.edgetwin.modelkit.quantize.QuantizationException.Code;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.Frame;
import dev.edgetwin.vision.LetterboxPreprocessor;
import dev.edgetwin.vision.source.RgbImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where calibration frames come from, and what is wrong with a folder that has none. */
class CalibrationSetTest {
    private static final long[] INPUT = {1, 3, 64, 80};

    @Test
    void simulatorFramesAreLetterboxedAsTheRuntimeDoes() throws Exception {
        CalibrationSet.Feeder feeder = CalibrationSet.simulator(1, 3).open("images", INPUT);
        assertArrayEquals(INPUT, feeder.shape());
        SimulatedCamera camera = new SimulatedCamera(FactoryScene.demo(1));
        LetterboxPreprocessor runtime = new LetterboxPreprocessor(80, 64);
        for (int i = 0; i < 3; i++) {
            runtime.prepare(camera.render(3.0 * i, 0).frame());
            float[] expected = new float[3 * 64 * 80];
            runtime.inputBuffer().get(0, expected);
            assertArrayEquals(expected, feeder.input(i), "frame " + i);
        }
    }

    @Test
    void aFolderOfPngsOfTheSameFramesIsTheSameCalibration(@TempDir Path dir) throws Exception {
        SimulatedCamera camera = new SimulatedCamera(FactoryScene.demo(1));
        for (int i = 0; i < 3; i++) {
            // Read back in file-name order, f0 to f2: the simulator's order.
            write(camera.render(3.0 * i, 0).frame(), dir.resolve("f" + i + ".png"), "png");
        }
        Files.writeString(dir.resolve("README.txt"), "not an image");
        Files.createDirectory(dir.resolve("nested.png"));
        byte[] model = QuantizerTestModels.singleConvRelu(32, 8, 1);
        QuantizedModel fromFolder =
                StaticQuantizer.quantize(
                        model,
                        "m",
                        CalibrationSet.imageFolder(dir),
                        QuantizationOptions.defaults());
        QuantizedModel fromSimulator =
                StaticQuantizer.quantize(
                        model, "m", CalibrationSet.simulator(1, 3), QuantizationOptions.defaults());
        assertEquals(fromSimulator.calibrationSha256(), fromFolder.calibrationSha256());
        assertEquals(3, fromFolder.calibrationInputs());
        assertEquals(
                dir.toAbsolutePath().normalize().toString(),
                CalibrationSet.imageFolder(dir).source());
    }

    @Test
    void readsJpegAndGreyscaleImages(@TempDir Path dir) throws Exception {
        Frame frame = new SimulatedCamera(FactoryScene.demo(2)).render(5, 0).frame();
        write(frame, dir.resolve("a.JPG"), "jpg");
        BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(10, 10, 0, 200);
        ImageIO.write(grey, "png", dir.resolve("b.png").toFile());
        CalibrationSet set = CalibrationSet.imageFolder(dir);
        assertEquals(2, set.size());
        CalibrationSet.Feeder feeder = set.open("images", INPUT);
        float[] jpeg = feeder.input(0);
        // 640x480 into 80x64: 80x60 of picture between 2 rows of grey padding above and below.
        assertEquals(114f / 255, jpeg[0], 1e-6);
        assertEquals(114f / 255, jpeg[80 + 79], 1e-6);
        assertTrue(jpeg[2 * 80 + 40] != 114f / 255 || jpeg[30 * 80 + 40] != 114f / 255);
        float[] g = feeder.input(1);
        for (int c = 1; c < 3; c++) {
            // Greyscale becomes equal R, G and B.
            for (int i = 0; i < 64 * 80; i++) {
                assertEquals(g[i], g[c * 64 * 80 + i], 1e-6);
            }
        }
    }

    @Test
    void namesWhatIsWrongWithTheFolderOrTheCount(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("frames");
        var e =
                assertThrows(
                        QuantizationException.class, () -> CalibrationSet.imageFolder(missing));
        assertEquals(Code.BAD_CALIBRATION, e.code());
        assertEquals("calibration folder " + missing + ": no such folder", e.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(QuantizationException.class, () -> CalibrationSet.imageFolder(empty));
        assertEquals(Code.EMPTY_CALIBRATION, e.code());
        assertEquals(
                "calibration folder "
                        + empty
                        + ": no .png, .jpg or .jpeg images in it (it is empty); calibration needs at"
                        + " least one frame",
                e.getMessage());

        Path notes = Files.createDirectory(dir.resolve("notes"));
        Files.writeString(notes.resolve("a.txt"), "x");
        Files.writeString(notes.resolve("b.bmp"), "x");
        e = assertThrows(QuantizationException.class, () -> CalibrationSet.imageFolder(notes));
        assertEquals(Code.EMPTY_CALIBRATION, e.code());
        assertTrue(e.getMessage().contains("(2 other entries)"), e.getMessage());

        Path file = Files.writeString(dir.resolve("x.png"), "x");
        e = assertThrows(QuantizationException.class, () -> CalibrationSet.imageFolder(file));
        assertEquals(Code.BAD_CALIBRATION, e.code());
        assertTrue(
                e.getMessage().endsWith("is a file, expected a folder of images"), e.getMessage());

        e = assertThrows(QuantizationException.class, () -> CalibrationSet.simulator(1, 0));
        assertEquals(Code.EMPTY_CALIBRATION, e.code());
        assertEquals(
                "0 calibration frames asked for; calibration needs at least one", e.getMessage());

        e =
                assertThrows(
                        QuantizationException.class,
                        () -> CalibrationSet.tensors("none", INPUT, java.util.List.of()));
        assertEquals(Code.EMPTY_CALIBRATION, e.code());
    }

    @Test
    void namesAnImageThatDoesNotDecode(@TempDir Path dir) throws Exception {
        write(
                new SimulatedCamera(FactoryScene.demo(1)).render(0, 0).frame(),
                dir.resolve("a.png"),
                "png");
        Path broken =
                Files.write(dir.resolve("b.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        CalibrationSet.Feeder feeder = CalibrationSet.imageFolder(dir).open("images", INPUT);
        feeder.input(0);
        var e = assertThrows(QuantizationException.class, () -> feeder.input(1));
        assertEquals(Code.BAD_CALIBRATION, e.code());
        assertTrue(e.getMessage().startsWith("calibration image " + broken + ": "), e.getMessage());
    }

    @Test
    void framesNeedAnImageInput() throws Exception {
        var e =
                assertThrows(
                        QuantizationException.class,
                        () -> CalibrationSet.simulator(1, 1).open("x", new long[] {1, 16}));
        assertEquals(Code.UNSUPPORTED_MODEL, e.code());
        assertEquals(
                "input 'x' has shape [1, 16], expected an image [1, 3, height, width] with fixed"
                        + " height and width to letterbox calibration frames into",
                e.getMessage());
        // A symbolic batch is fed as 1.
        assertArrayEquals(
                INPUT,
                CalibrationSet.simulator(1, 1).open("x", new long[] {-1, 3, 64, 80}).shape());
    }

    private static void write(Frame frame, Path file, String format) throws Exception {
        assertTrue(ImageIO.write(RgbImages.toImage(frame), format, file.toFile()), format);
    }
}
