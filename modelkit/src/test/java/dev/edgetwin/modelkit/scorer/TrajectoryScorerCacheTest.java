package dev.edgetwin.modelkit.scorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.ModelKitVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ModelCache#ensureTrajectoryScorer}. */
class TrajectoryScorerCacheTest {
    @TempDir Path dir;

    @Test
    void writesTheReleasedModelUnderAContentHashedName() throws Exception {
        Path cache = dir.resolve("a").resolve("b");
        Path model = ModelCache.ensureTrajectoryScorer(cache);

        byte[] expected = TrajectoryScorerTrainer.defaultModel();
        assertArrayEquals(expected, Files.readAllBytes(model));
        String hash =
                HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(expected))
                        .substring(0, 16);
        assertEquals(
                "edgetwin-trajectory-scorer-" + ModelKitVersion.VERSION + "-" + hash + ".onnx",
                model.getFileName().toString());
        assertEquals(List.of(model), list(cache), "no temporary files left behind");
    }

    @Test
    void reusesAnIntactFileAndReplacesATornOne() throws Exception {
        Path first = ModelCache.ensureTrajectoryScorer(dir);
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(first, old);
        assertEquals(first, ModelCache.ensureTrajectoryScorer(dir));
        assertEquals(old, Files.getLastModifiedTime(first));

        byte[] good = Files.readAllBytes(first);
        Files.write(first, Arrays.copyOf(good, good.length / 3));
        assertArrayEquals(good, Files.readAllBytes(ModelCache.ensureTrajectoryScorer(dir)));
        assertEquals(List.of(first), list(dir));
    }

    @Test
    void concurrentCallersGetTheSameCompleteFile() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Path>> calls =
                    pool.invokeAll(
                            Collections.nCopies(8, () -> ModelCache.ensureTrajectoryScorer(dir)));
            Path path = calls.get(0).get();
            for (Future<Path> f : calls) {
                assertEquals(path, f.get());
            }
            assertArrayEquals(TrajectoryScorerTrainer.defaultModel(), Files.readAllBytes(path));
            assertEquals(List.of(path), list(dir));
        } finally {
            pool.shutdown();
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }
}
