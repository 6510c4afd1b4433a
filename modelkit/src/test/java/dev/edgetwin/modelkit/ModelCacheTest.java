package dev.edgetwin.modelkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.quantize.CalibrationMethod;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.modelkit.quantize.StaticQuantizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
    @TempDir Path dir;

    @Test
    void generatesTheModelUnderAContentHashedName() throws Exception {
        Path cache = dir.resolve("a").resolve("b");
        Path model = ModelCache.ensureReferenceDetector(cache);

        byte[] expected = ReferenceDetector.build();
        assertEquals(cache, model.getParent());
        assertArrayEquals(expected, Files.readAllBytes(model));
        String hash =
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(expected))
                        .substring(0, 16);
        assertEquals(
                "edgetwin-reference-detector-" + ModelKitVersion.VERSION + "-" + hash + ".onnx",
                model.getFileName().toString());
        assertEquals(List.of(model), list(cache), "no temporary files left behind");
    }

    @Test
    void reusesAnIntactFileWithoutRewritingIt() throws Exception {
        Path first = ModelCache.ensureReferenceDetector(dir);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, old);

        Path second = ModelCache.ensureReferenceDetector(dir);

        assertEquals(first, second);
        assertEquals(old, Files.getLastModifiedTime(second));
    }

    @Test
    void replacesATruncatedOrEditedFile() throws Exception {
        Path model = ModelCache.ensureReferenceDetector(dir);
        byte[] good = Files.readAllBytes(model);
        Files.write(model, java.util.Arrays.copyOf(good, good.length / 2));
        assertArrayEquals(good, Files.readAllBytes(ModelCache.ensureReferenceDetector(dir)));

        byte[] edited = good.clone();
        edited[edited.length - 1] ^= 1;
        Files.write(model, edited);
        assertArrayEquals(good, Files.readAllBytes(ModelCache.ensureReferenceDetector(dir)));
        assertEquals(List.of(model), list(dir));
    }

    @Test
    void defaultDirectoryFollowsXdgCacheHome() {
        assertEquals(
                Path.of("/var/cache/me/edgetwin/models"),
                ModelCache.defaultDirectory("/var/cache/me", "/home/me"));
        for (String ignored : new String[] {null, "", "relative/cache"}) {
            assertEquals(
                    Path.of("/home/me/.cache/edgetwin/models"),
                    ModelCache.defaultDirectory(ignored, "/home/me"),
                    "XDG_CACHE_HOME=" + ignored);
        }
        assertTrue(ModelCache.defaultDirectory().endsWith(Path.of("edgetwin", "models")));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    @Test
    void quantizesOnceUnderANameThatSaysHowAndReusesTheFile() throws Exception {
        Path fp32 = ModelCache.ensureReferenceDetector(dir);
        QuantizationOptions defaults = QuantizationOptions.defaults();
        Path int8 = ModelCache.ensureSimulatorQuantized(fp32, dir, 4, defaults);

        String stem = fp32.getFileName().toString().replace(".onnx", "");
        assertEquals(stem + "-int8-s8s8-sim4.onnx", int8.getFileName().toString());
        ModelReport report = ModelInspector.inspect(int8);
        assertTrue(report.quantized());
        assertEquals(
                StaticQuantizer.FORMAT, report.metadata().get(StaticQuantizer.KEY_QUANTIZATION));
        assertEquals("4", report.metadata().get(StaticQuantizer.KEY_FRAMES));

        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(int8, old);
        assertEquals(int8, ModelCache.ensureSimulatorQuantized(fp32, dir, 4, defaults));
        assertEquals(old, Files.getLastModifiedTime(int8), "reused, not rewritten");

        Path percentile =
                ModelCache.ensureSimulatorQuantized(
                        fp32, dir, 4, defaults.withMethod(CalibrationMethod.PERCENTILE));
        assertTrue(
                percentile
                        .getFileName()
                        .toString()
                        .matches(stem + "-int8-s8s8-sim4-[0-9a-f]{8}\\.onnx"),
                "other options, another file: " + percentile.getFileName());
    }
}
