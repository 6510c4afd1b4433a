package dev.edgetwin.modelkit.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small training runs: determinism, configuration, writing. */
class DetectorTrainerTest {
    /** 24 training scenes and 6 held-out ones: a few seconds, the whole method. */
    static final DetectorTrainer.Config SMALL = new DetectorTrainer.Config(11, 24, 320, 12, 6, 0);

    @TempDir Path dir;

    @Test
    void theSameConfigGivesByteIdenticalModelsWithAnyNumberOfThreads() {
        byte[] one = new DetectorTrainer(SMALL.withThreads(1)).train();
        byte[] three = new DetectorTrainer(SMALL.withThreads(3)).train();
        assertArrayEquals(one, three);

        byte[] otherSeed = new DetectorTrainer(SMALL.withSeed(13)).train();
        assertFalse(Arrays.equals(one, otherSeed), "another seed, other scenes and weights");
    }

    @Test
    void writesTheModelAtomicallyAndRecognisesItsOwnFile() throws Exception {
        DetectorTrainer.Config config = SMALL.withScenes(12, 0);
        DetectorTrainer.Result result = new DetectorTrainer(config).run();
        assertNull(result.heldOut());
        assertTrue(result.trainingTime().toNanos() > 0);

        Path file = new DetectorTrainer(config).train(dir.resolve("m.onnx"));
        assertArrayEquals(result.model(), Files.readAllBytes(file));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
        assertTrue(DetectorTrainer.isIntact(file, config));
        assertFalse(DetectorTrainer.isIntact(file, config.withSeed(99)), "another config");
        assertFalse(DetectorTrainer.isIntact(dir.resolve("missing.onnx"), config));
        Files.write(file, Arrays.copyOf(result.model(), result.model().length / 2));
        assertFalse(DetectorTrainer.isIntact(file, config), "torn");
    }

    @Test
    void configsAreCheckedWhenBuilt() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new DetectorTrainer.Config(1, 0, 320, 2, 10, 0),
                "no scenes");
        var size =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new DetectorTrainer.Config(1, 10, 300, 2, 10, 0));
        assertTrue(size.getMessage().contains("300"), size.getMessage());
        var same =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new DetectorTrainer.Config(5, 10, 320, 5, 10, 0));
        assertTrue(same.getMessage().contains("testSeed"), same.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new DetectorTrainer.Config(1, 10, 320, 2, -1, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new DetectorTrainer.Config(1, 10, 320, 2, 10, -1));
    }

    @Test
    void theFingerprintFollowsEverythingThatDecidesTheBytes() {
        DetectorTrainer.Config d = DetectorTrainer.Config.defaults();
        assertEquals(16, d.fingerprint().length());
        assertEquals(d.fingerprint(), d.withThreads(7).fingerprint(), "threads do not matter");
        assertNotEquals(d.fingerprint(), d.withSeed(2 + 1).fingerprint());
        assertNotEquals(d.fingerprint(), d.withScenes(401, 200).fingerprint());
        assertNotEquals(d.fingerprint(), d.withScenes(400, 201).fingerprint());
        assertTrue(d.canonical().contains("revision=" + DetectorTrainer.REVISION));
    }
}
