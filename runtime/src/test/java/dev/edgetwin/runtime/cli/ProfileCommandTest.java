package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.modelkit.ModelCache;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgetwin profile} and {@code edgetwin models inspect} against fixture machines. */
class ProfileCommandTest {
    /** The device-profiles module's fixture trees (Maven runs tests from the module directory). */
    private static final Path FIXTURES = Path.of("../device-profiles/src/test/resources/fixtures");

    @TempDir Path dir;

    @Test
    void anX86MachineWithoutAGpuGetsTheCpuProfileAndSaysWhyNotCudaOrTensorRt() {
        CliRun o =
                CliRun.execute(
                        "profile", "--device-root", FIXTURES.resolve("x86_64-cpu").toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("profile:  x86_64-cpu"), o.out());
        assertTrue(o.out().contains("no NVIDIA driver"), o.out());
        assertTrue(o.out().contains("detector           int8 on cpu"), o.out());
        assertTrue(o.out().contains("tensorrt: not in the x86_64-cpu profile's chain"), o.out());
        assertTrue(o.out().contains("cuda: not in the x86_64-cpu profile's chain"), o.out());
    }

    @Test
    void aJetsonProfileOnThisCpuOnlyOnnxRuntimeFallsBackToCpuNamingTheReason() throws Exception {
        CliRun o =
                CliRun.execute(
                        "profile",
                        "--json",
                        "--device-root",
                        FIXTURES.resolve("jetson-orin-nano-8gb").toString());
        assertEquals(0, o.code(), o.err());
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertEquals("jetson-orin-nano-8gb", doc.get("profile").get("id").asText());
        JsonNode detector = doc.get("plan").get("detector");
        assertEquals("cpu", detector.get("provider").asText());
        assertEquals(2, detector.get("skipped").size());
        assertTrue(
                detector.get("skipped")
                        .get(0)
                        .asText()
                        .startsWith("tensorrt not used: not compiled into this ONNX Runtime"),
                detector.toString());
        assertTrue(detector.get("skipped").get(1).asText().contains("CUDA"), detector.toString());
    }

    @Test
    void aBadOverrideNamesTheFieldAndTheValue() {
        CliRun o =
                CliRun.execute(
                        "profile",
                        "--device-root",
                        FIXTURES.resolve("x86_64-cpu").toString(),
                        "--set",
                        "precision.detector=int4");
        assertEquals(2, o.code());
        assertTrue(
                o.err().contains("precision.detector: 'int4' is not one of int8, fp16, fp32"),
                o.err());
    }

    @Test
    void inspectShowsTheContractAndWhichProvidersRunTheModelHere() throws Exception {
        Path model = ModelCache.ensureReferenceDetector(dir);
        CliRun o =
                CliRun.execute(
                        "models",
                        "inspect",
                        model.toString(),
                        "--device-root",
                        FIXTURES.resolve("x86_64-cpu").toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("images   float32 [1, 3, 320, 320]"), o.out());
        assertTrue(o.out().contains("quantized   no"), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.matches("\\s+cpu\\s+runs .*")), o.out());
        assertTrue(o.out().lines().anyMatch(l -> l.matches("\\s+cuda\\s+no: .*")), o.out());

        Path notAModel = Files.writeString(dir.resolve("notes.onnx"), "hello\n");
        CliRun bad = CliRun.execute("models", "inspect", notAModel.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("notes.onnx"), bad.err());
    }
}
