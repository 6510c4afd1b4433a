package dev.edgetwin.runtime.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.modelkit.quantize.QuantizationOptions;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.profiles.Precision;
import dev.edgetwin.runtime.TestProfiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecisionSelectorTest {
    @TempDir static Path cache;
    static Path fp32;
    static Path int8;

    @BeforeAll
    static void generate() throws Exception {
        fp32 = ModelCache.ensureReferenceDetector(cache);
        int8 = ModelCache.ensureSimulatorQuantized(fp32, cache, 8, QuantizationOptions.defaults());
    }

    private static PrecisionSelector.Selected select(Path int8Build, boolean int8Profile)
            throws InferenceException {
        return PrecisionSelector.select(
                InferenceEngine.instance(),
                fp32,
                int8Build,
                ModelRole.DETECTOR,
                int8Profile ? TestProfiles.cpu() : TestProfiles.cpuFp32(),
                ModelContract.detector());
    }

    @Test
    void int8ServesOnlyWhenItIsAtLeastTheMarginFaster() {
        PrecisionSelector.Choice twice = PrecisionSelector.decide(10, 5, "cpu provider");
        assertEquals(Precision.INT8, twice.precision());
        assertTrue(twice.reason().contains("2.00x"), twice.reason());
        assertEquals(2.0, twice.int8Speedup(), 1e-12);

        PrecisionSelector.Choice justBelow =
                PrecisionSelector.decide(
                        10, 10 / (PrecisionSelector.MIN_INT8_SPEEDUP - 0.001), "x");
        assertEquals(Precision.FP32, justBelow.precision());
        assertTrue(justBelow.reason().startsWith("int8 is not faster here"), justBelow.reason());

        assertEquals(
                Precision.INT8,
                PrecisionSelector.decide(10 * PrecisionSelector.MIN_INT8_SPEEDUP, 10, "x")
                        .precision());
        assertEquals(Precision.FP32, PrecisionSelector.decide(10, 12, "x").precision());
    }

    @Test
    void anFp32ProfileServesTheFp32ModelWithoutTimingTheInt8One() throws Exception {
        PrecisionSelector.Selected s = select(int8, false);
        try (LoadedModel model = s.model()) {
            assertEquals(fp32, model.path());
            assertEquals(Precision.FP32, s.choice().precision());
            assertTrue(Double.isNaN(s.choice().int8Millis()));
            assertTrue(s.choice().reason().contains("asks for fp32"), s.choice().reason());
        }
    }

    @Test
    void withoutAnInt8BuildTheFp32ModelServesAndTheReasonSaysWhatIsMissing() throws Exception {
        PrecisionSelector.Selected s = select(null, true);
        try (LoadedModel model = s.model()) {
            assertEquals(fp32, model.path());
            assertEquals(Precision.FP32, s.choice().precision());
            assertTrue(s.choice().reason().contains("no int8 build of"), s.choice().reason());
        }
    }

    @Test
    void anInt8BuildThatCannotLoadIsPassedOverAndTheFp32ModelServes() throws Exception {
        Path broken = Files.write(cache.resolve("broken-int8.onnx"), new byte[] {1, 2, 3});
        PrecisionSelector.Selected s = select(broken, true);
        try (LoadedModel model = s.model();
                PinnedRunner runner = new PinnedRunner(model)) {
            assertEquals(fp32, model.path());
            assertTrue(s.choice().reason().contains("broken-int8.onnx"), s.choice().reason());
            runner.run();
        }
    }

    @Test
    void bothBuildsAreTimedAndTheChoiceFollowsTheMeasuredTimes() throws Exception {
        PrecisionSelector.Selected s = select(int8, true);
        PrecisionSelector.Choice c = s.choice();
        try (LoadedModel model = s.model();
                PinnedRunner runner = new PinnedRunner(model)) {
            assertTrue(c.fp32Millis() > 0 && c.int8Millis() > 0, c.toString());
            // Whichever way the timing went on this machine, the served file is the chosen one and
            // the choice is the rule applied to the medians it reports.
            assertEquals(
                    PrecisionSelector.decide(c.fp32Millis(), c.int8Millis(), "x").precision(),
                    c.precision());
            assertEquals(c.precision() == Precision.INT8 ? int8 : fp32, model.path());
            runner.run();
        }
    }

    @Test
    void aMissingFp32ModelIsAnError() {
        InferenceException e =
                assertThrows(
                        InferenceException.class,
                        () ->
                                PrecisionSelector.select(
                                        InferenceEngine.instance(),
                                        cache.resolve("missing.onnx"),
                                        int8,
                                        ModelRole.DETECTOR,
                                        TestProfiles.cpu(),
                                        ModelContract.detector()));
        assertEquals(InferenceException.Code.MODEL_NOT_FOUND, e.code());
    }

    @Test
    void timingPlansAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new RunTimer.Plan(-1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new RunTimer.Plan(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RunTimer.Plan(0, 1, 0));
        assertEquals(30, new RunTimer.Plan(5, 6, 5).timedRuns());
    }
}
