package dev.edgetwin.modelkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.training.DetectorTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelCache#ensureTrainedDetector}: trains (once per JVM, shared with the accuracy tests)
 * only when the file is missing or damaged.
 */
class TrainedDetectorCacheTest {
    @TempDir Path dir;

    @Test
    void writesTheDefaultModelUnderItsConfigName() throws Exception {
        Path cache = dir.resolve("a").resolve("b");
        Path model = ModelCache.ensureTrainedDetector(cache);

        DetectorTrainer.Config config = DetectorTrainer.Config.defaults();
        assertEquals(
                "edgetwin-trained-detector-"
                        + ModelKitVersion.VERSION
                        + "-"
                        + config.fingerprint()
                        + ".onnx",
                model.getFileName().toString());
        assertArrayEquals(DetectorTrainer.defaultModel(), Files.readAllBytes(model));
        assertTrue(DetectorTrainer.isIntact(model, config));
        assertEquals(List.of(model), list(cache), "no temporary files left behind");
    }

    @Test
    void reusesAnIntactFileWithoutRewritingIt() throws Exception {
        Path first = ModelCache.ensureTrainedDetector(dir);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, old);

        Path second = ModelCache.ensureTrainedDetector(dir);

        assertEquals(first, second);
        assertEquals(old, Files.getLastModifiedTime(second));
    }

    @Test
    void replacesATruncatedOrEditedFile() throws Exception {
        Path model = ModelCache.ensureTrainedDetector(dir);
        byte[] good = Files.readAllBytes(model);
        Files.write(model, Arrays.copyOf(good, good.length / 2));
        assertArrayEquals(good, Files.readAllBytes(ModelCache.ensureTrainedDetector(dir)));

        // A byte in the middle lies in the graph (weights), which the recorded digest covers.
        byte[] edited = good.clone();
        edited[edited.length / 2] ^= 0x10;
        Files.write(model, edited);
        assertArrayEquals(good, Files.readAllBytes(ModelCache.ensureTrainedDetector(dir)));
        assertEquals(List.of(model), list(dir));
    }

    @Test
    void theReferenceDetectorIsUnchanged() throws Exception {
        // The daemon's default stays the palette detector until the trained one is switched in.
        assertArrayEquals(
                ReferenceDetector.build(),
                Files.readAllBytes(ModelCache.ensureReferenceDetector(dir)));
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
