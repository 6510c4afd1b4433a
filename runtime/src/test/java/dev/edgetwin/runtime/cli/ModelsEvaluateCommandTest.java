package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsEvaluateCommandTest {
    @TempDir Path cache;

    @Test
    void printsAccuracyAndSpeedOfBothPrecisionsWithTheGates() throws Exception {
        // The palette detector: no training, so the test stays quick; the figures are not judged.
        Path model = ModelCache.ensureReferenceDetector(cache);
        CliRun o =
                CliRun.execute(
                        "models",
                        "evaluate",
                        "--model",
                        model.toString(),
                        "--model-cache",
                        cache.toString(),
                        "--scenes",
                        "3",
                        "--runs",
                        "5",
                        "--calibration-frames",
                        "4");
        assertTrue(o.code() == 0 || o.code() == 1, o.err());
        assertTrue(o.out().contains("int8: edgetwin-reference-detector"), o.out());
        assertEquals(2, o.out().lines().filter(l -> l.startsWith("mAP50")).count(), o.out());
        assertTrue(o.out().contains("gate: int8 mAP / fp32 mAP = "), o.out());
        assertTrue(o.out().contains("gate: int8 / fp32 throughput = "), o.out());
        assertEquals(o.out().contains("FAIL") ? 1 : 0, o.code(), "exit code follows the gates");
    }

    @Test
    void aBadFormatIsNamed() throws Exception {
        CliRun o = CliRun.execute("models", "evaluate", "--model", "x.onnx", "--format", "int4");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--format must be s8s8 or u8s8, got 'int4'"), o.err());
    }
}
