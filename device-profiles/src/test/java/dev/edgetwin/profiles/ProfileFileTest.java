package dev.edgetwin.profiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** User-supplied whole profiles: {@link DeviceProfiles#load(Path)}. */
class ProfileFileTest {

    @TempDir Path dir;

    private static final String CPU_ONLY =
            """
            schema: edgetwin/device-profile/1
            id: lab-bench
            version: 3
            description: the bench PC in the lab
            executionProviders: [cpu]
            precision: {detector: fp32, trajectory_scorer: fp32}
            cpu: {intraOpThreads: 2, interOpThreads: 1, spinning: true}
            pipeline:
              cameraWidth: 640
              cameraHeight: 480
              cameraFps: 10
              plannerBatchK: 32
              plannerHorizonT: 20
              plannerRateHz: 2.5
            memoryBudgetBytes: 1073741824
            thermalZones: []
            """;

    @Test
    void aCpuOnlyProfileNeedsNoGpuSections() throws Exception {
        DeviceProfile p = DeviceProfiles.load(write(CPU_ONLY));

        assertEquals("lab-bench", p.id());
        assertEquals(3, p.version());
        assertEquals(List.of(ExecutionProvider.CPU), p.executionProviders());
        assertEquals(Precision.FP32, p.precisionFor(ModelRole.DETECTOR));
        assertEquals(new CpuOptions(2, 1, true), p.cpu());
        assertEquals(new PipelineBudget(640, 480, 10, 32, 20, 2.5), p.pipeline());
        assertEquals(1L << 30, p.memoryBudgetBytes());
        assertEquals(List.of(), p.thermalZones());
        assertEquals(TensorRtOptions.DEFAULTS, p.tensorrt());
        assertEquals(CudaOptions.DEFAULTS, p.cuda());
    }

    @Test
    void aSectionLeftPartlyOutTakesTheDefaultsForTheRest() throws Exception {
        DeviceProfile p =
                DeviceProfiles.load(write(CPU_ONLY + "tensorrt: {engineCacheDir: /srv/trt}\n"));

        assertEquals("/srv/trt", p.tensorrt().engineCacheDir());
        assertEquals(TensorRtOptions.DEFAULTS.workspaceBytes(), p.tensorrt().workspaceBytes());
    }

    @Test
    void aGpuProfileWithNullDlaCoreRunsOnTheGpuOnly() throws Exception {
        String yaml =
                DeviceProfiles.toYaml(DeviceProfiles.builtIn("jetson-orin-nx-16gb"))
                        .replace("dlaCore: 0", "dlaCore: null");

        assertNull(DeviceProfiles.load(write(yaml)).tensorrt().dlaCore());
    }

    /** A broken file and the exact problems it must produce. */
    record Broken(String name, String yaml, List<String> problems) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Broken> brokenFiles() {
        return List.of(
                new Broken(
                        "unknown keys at every level",
                        CPU_ONLY.replace("thermalZones: []", "thermalZones: [{type: a, hot: 1}]")
                                + "cooling: fan\ncpu2: {}\n"
                                + "tensorrt: {dla: 0}\n",
                        List.of(
                                "unknown key 'thermalZones[0].hot' (a zone has type,"
                                        + " throttleCelsius) (line 16)",
                                "thermalZones[0].throttleCelsius: missing (line 16)",
                                "unknown key 'cooling' (known: description, executionProviders,"
                                        + " precision.*, tensorrt.*, cuda.*, cpu.*, pipeline.*,"
                                        + " memoryBudgetBytes, thermalZones) (line 17)",
                                "unknown key 'cpu2' (known: description, executionProviders,"
                                        + " precision.*, tensorrt.*, cuda.*, cpu.*, pipeline.*,"
                                        + " memoryBudgetBytes, thermalZones) (line 18)",
                                "unknown key 'tensorrt.dla' (tensorrt has fp16, int8,"
                                        + " engineCacheDir, dlaCore, workspaceBytes) (line 19)")),
                new Broken(
                        "bad values",
                        CPU_ONLY.replace("detector: fp32", "detector: int4")
                                .replace("spinning: true", "spinning: yes")
                                .replace("cameraFps: 10", "cameraFps: fast")
                                .replace("memoryBudgetBytes: 1073741824", "memoryBudgetBytes: 1GB"),
                        List.of(
                                "precision.detector: 'int4' is not one of int8, fp16, fp32"
                                        + " (line 6)",
                                "cpu.spinning: 'yes' is not true or false (line 7)",
                                "pipeline.cameraFps: 'fast' is not a number (line 11)",
                                "memoryBudgetBytes: '1GB' is not a size (bytes, or a number with"
                                        + " KiB, MiB, GiB or TiB) (line 15)")),
                new Broken(
                        "out of range values, one per record",
                        CPU_ONLY.replace("intraOpThreads: 2", "intraOpThreads: 999")
                                .replace("cameraWidth: 640", "cameraWidth: 0"),
                        List.of(
                                "cpu.intraOpThreads: 999 is not in 0..256 (0 = ONNX Runtime's"
                                        + " default) (line 7)",
                                "pipeline.cameraWidth: 0 is not in 1..8192 (line 9)")),
                new Broken(
                        "missing fields",
                        """
                        schema: edgetwin/device-profile/1
                        id: half
                        version: 1
                        description: half a profile
                        executionProviders: [tensorrt, cpu]
                        precision: {detector: fp16}
                        tensorrt: {fp16: true, int8: false, engineCacheDir: /x}
                        cpu: {intraOpThreads: 0, interOpThreads: 0, spinning: false}
                        memoryBudgetBytes: 1GiB
                        """,
                        List.of(
                                "precision.trajectory_scorer: missing",
                                "tensorrt.workspaceBytes: missing (required because tensorrt is"
                                        + " in executionProviders)",
                                "cuda.deviceId: missing (required because cuda or tensorrt is in"
                                        + " executionProviders)",
                                "cuda.memoryLimitBytes: missing (required because cuda or"
                                        + " tensorrt is in executionProviders)",
                                "pipeline.cameraWidth: missing",
                                "pipeline.cameraHeight: missing",
                                "pipeline.cameraFps: missing",
                                "pipeline.plannerBatchK: missing",
                                "pipeline.plannerHorizonT: missing",
                                "pipeline.plannerRateHz: missing",
                                "thermalZones: missing")),
                new Broken(
                        "another schema",
                        CPU_ONLY.replace("device-profile/1", "device-profile/2"),
                        List.of(
                                "schema: 'edgetwin/device-profile/2' is not"
                                        + " edgetwin/device-profile/1 (the only schema this version"
                                        + " reads) (line 1)")),
                new Broken(
                        "no schema, id or version",
                        CPU_ONLY.replace("schema: edgetwin/device-profile/1\n", "")
                                .replace("id: lab-bench\n", "")
                                .replace("version: 3\n", "version: three\n"),
                        List.of(
                                "version: 'three' is not a whole number (line 1)",
                                "schema: missing",
                                "id: missing")),
                new Broken(
                        "a bad id",
                        CPU_ONLY.replace("id: lab-bench", "id: Lab Bench"),
                        List.of(
                                "id: 'Lab Bench' is not a profile id (lower-case letters, digits,"
                                        + " '.', '_', '-') (line 2)")),
                new Broken(
                        "wrong shapes",
                        CPU_ONLY.replace("executionProviders: [cpu]", "executionProviders: cpu")
                                        .replace(
                                                "thermalZones: []",
                                                "thermalZones: {cpu-thermal: 90}")
                                        .replace(
                                                "description: the bench PC in the lab",
                                                "description: [a]")
                                + "tensorrt: 5\n",
                        List.of(
                                "description: expected a single value, found a list (line 4)",
                                "executionProviders: expected a list such as [tensorrt, cuda,"
                                        + " cpu], found 'cpu' (line 5)",
                                "thermalZones: expected a list of {type, throttleCelsius}, found a"
                                        + " mapping (line 16)",
                                "tensorrt: expected a mapping of tensorrt fields, found '5' (line"
                                        + " 17)")),
                new Broken(
                        "cpu not last in a file",
                        CPU_ONLY.replace("[cpu]", "[cpu, cuda]"),
                        List.of(
                                "cuda.deviceId: missing (required because cuda or tensorrt is in"
                                        + " executionProviders)",
                                "cuda.memoryLimitBytes: missing (required because cuda or"
                                        + " tensorrt is in executionProviders)")),
                new Broken(
                        "a duplicate key",
                        CPU_ONLY + "memoryBudgetBytes: 2GiB\n",
                        List.of("line 17: 'memoryBudgetBytes' is given twice (first on line 15)")),
                new Broken("not YAML", "schema: [unclosed\nid: x\n", List.of("PARSE")),
                new Broken("empty", "", List.of("the file has no profile in it")),
                new Broken(
                        "a list at the top",
                        "- schema: edgetwin/device-profile/1\n",
                        List.of(
                                "expected the profile's fields (schema, id, version, ...) at the"
                                        + " top, found a list")));
    }

    @ParameterizedTest
    @MethodSource("brokenFiles")
    void aBrokenFileIsRejectedWithEveryProblemNamed(Broken b) throws IOException {
        Path file = write(b.yaml());

        ProfileException e = assertThrows(ProfileException.class, () -> DeviceProfiles.load(file));

        assertEquals(ProfileException.Code.INVALID, e.code());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        if (b.problems().equals(List.of("PARSE"))) {
            assertTrue(e.problems().get(0).matches("line \\d+, column \\d+: .+"), e::getMessage);
        } else {
            assertEquals(b.problems(), e.problems());
        }
    }

    @Test
    void aBrokenSectionIsOneProblemNotOnePerField() throws Exception {
        String yaml =
                DeviceProfiles.toYaml(DeviceProfiles.builtIn("x86_64-cuda"))
                        .replaceAll("(?s)tensorrt:\n(  .*?\n)+", "tensorrt: on\n");

        ProfileException e =
                assertThrows(ProfileException.class, () -> DeviceProfiles.load(write(yaml)));

        assertEquals(
                List.of("tensorrt: expected a mapping of tensorrt fields, found 'on' (line 9)"),
                e.problems());
    }

    @Test
    void cpuMustBeLastEvenWhenTheGpuSectionsAreThere() throws Exception {
        String yaml =
                DeviceProfiles.toYaml(DeviceProfiles.builtIn("x86_64-cuda"))
                        .replace("[tensorrt, cuda, cpu]", "[cpu, cuda]");

        ProfileException e =
                assertThrows(ProfileException.class, () -> DeviceProfiles.load(write(yaml)));

        assertEquals(
                List.of(
                        "executionProviders: cpu,cuda does not end with cpu (the fallback that"
                                + " always runs) (line 5)"),
                e.problems());
    }

    /**
     * Regression: Jackson's YAML tree reads YAML 1.1 words as booleans, so {@code description: no}
     * came out as "false" and {@code spinning: yes} passed as true.
     */
    @Test
    void yamlBooleanWordsAreNotBooleans() throws Exception {
        DeviceProfile p =
                DeviceProfiles.load(write(CPU_ONLY.replace("the bench PC in the lab", "no")));
        assertEquals("no", p.description());

        ProfileException e =
                assertThrows(
                        ProfileException.class,
                        () ->
                                DeviceProfiles.load(
                                        write(CPU_ONLY.replace("spinning: true", "spinning: on"))));
        assertEquals(List.of("cpu.spinning: 'on' is not true or false (line 7)"), e.problems());
    }

    @Test
    void numbersMustBeWrittenPlainly() throws Exception {
        ProfileException e =
                assertThrows(
                        ProfileException.class,
                        () ->
                                DeviceProfiles.load(
                                        write(
                                                CPU_ONLY.replace(
                                                        "plannerBatchK: 32",
                                                        "plannerBatchK: 0x20"))));
        assertEquals(
                List.of("pipeline.plannerBatchK: '0x20' is not a whole number (line 12)"),
                e.problems());
    }

    @Test
    void twoDocumentsInOneFileAreRefused() throws Exception {
        ProfileException e =
                assertThrows(
                        ProfileException.class,
                        () -> DeviceProfiles.load(write(CPU_ONLY + "---\n" + CPU_ONLY)));
        assertEquals(
                List.of("line 18: more than one YAML document; a profile is one"), e.problems());
    }

    @Test
    void aMissingFileIsUnreadable() {
        Path missing = dir.resolve("nope.yaml");
        ProfileException e =
                assertThrows(ProfileException.class, () -> DeviceProfiles.load(missing));
        assertEquals(ProfileException.Code.UNREADABLE, e.code());
        assertEquals("cannot read device profile " + missing + ": no such file", e.getMessage());
    }

    @Test
    void aDirectoryIsUnreadable() {
        ProfileException e = assertThrows(ProfileException.class, () -> DeviceProfiles.load(dir));
        assertEquals(ProfileException.Code.UNREADABLE, e.code());
        assertTrue(e.getMessage().endsWith("it is a directory"), e.getMessage());
    }

    @Test
    void bytesThatAreNotUtf8AreInvalid() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, new byte[] {'i', 'd', ':', ' ', (byte) 0xe9, '\n'});
        ProfileException e = assertThrows(ProfileException.class, () -> DeviceProfiles.load(file));
        assertEquals(ProfileException.Code.INVALID, e.code());
        assertEquals(List.of("not UTF-8 text"), e.problems());
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("profile.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
