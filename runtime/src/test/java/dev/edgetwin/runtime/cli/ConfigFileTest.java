package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigFileTest {
    private static final String X86 = "../device-profiles/src/test/resources/fixtures/x86_64-cpu";

    @TempDir Path dir;

    private CliRun execute(String yaml, String... args) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), yaml);
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(ConfigFile.load(file, ConfigFile.optionKeys(cli)));
        return CliRun.execute(cli, args);
    }

    @Test
    void fileValuesAreDefaultsAndTheCommandLineWins() throws Exception {
        String yaml =
                "device-root: "
                        + X86
                        + "\nset:\n  precision.detector: fp16\n  cpu.intraOpThreads: 3\n";
        CliRun fromFile = execute(yaml, "profile", "--json");
        assertEquals(0, fromFile.code(), fromFile.err());
        var doc = new ObjectMapper().readTree(fromFile.out());
        assertEquals("fp16", doc.get("plan").get("detector").get("precision").asText());
        assertEquals(3, doc.get("profile").get("cpu").get("intraOpThreads").asInt());

        CliRun overridden = execute(yaml, "profile", "--json", "--set", "precision.detector=fp32");
        var doc2 = new ObjectMapper().readTree(overridden.out());
        assertEquals("fp32", doc2.get("plan").get("detector").get("precision").asText());
        assertEquals(
                3,
                doc2.get("profile").get("cpu").get("intraOpThreads").asInt(),
                "the file's other keys stay");
    }

    @Test
    void aBadValueFromTheFileIsNamedLikeOneFromTheCommandLine() throws Exception {
        CliRun o = execute("robot-id: a/b\n", "run", "--model-cache", dir.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("robot id must be"), o.err());
    }

    @Test
    void theTwinCodecComesFromTheFileLikeAnyOption() throws Exception {
        CliRun o = execute("twin-codec: protobuf\n", "run", "--model-cache", dir.toString());
        assertEquals(2, o.code());
        assertTrue(
                o.err().contains("twin codec must be one of [json, sparkplug], got 'protobuf'"),
                o.err());
    }

    @Test
    void unknownKeysAndNestedValuesAreRejectedNamingTheKey() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "mqt-port: 1884\nsite:\n  - a\n");
        CommandLine cli = new CommandLine(new Main());
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ConfigFile.load(file, ConfigFile.optionKeys(cli)));
        assertTrue(e.getMessage().contains("unknown key 'mqt-port'"), e.getMessage());
        assertTrue(e.getMessage().contains("'site' must be a single value"), e.getMessage());
        assertTrue(e.getMessage().contains("bad.yaml"), e.getMessage());
    }

    @Test
    void aMissingFileIsNoConfiguration() {
        ConfigFile none = ConfigFile.load(dir.resolve("absent.yaml"), java.util.Set.of());
        assertTrue(none.profileOverrides().isEmpty());
    }

    @Test
    void theCamerasListGivesTheRobotsCamerasAndTheCommandLineStillWins() throws Exception {
        String yaml =
                "cameras:\n"
                        + "  - id: left\n"
                        + "    source: folder:/data/left\n"
                        + "    mount: {x: 0.3, y: 0.1, z: 1.2, yaw: 25, pitch: 10}\n"
                        + "  - id: right\n"
                        + "    source: gst:videotestsrc\n"
                        + "    size: 320x240\n"
                        + "    fov: 90\n";
        Path file = Files.writeString(dir.resolve("cameras.yaml"), yaml);
        RunCommand run = new RunCommand();
        CommandLine cli = new CommandLine(run);
        cli.setDefaultValueProvider(ConfigFile.load(file, ConfigFile.optionKeys(cli)));
        cli.parseArgs();
        var cameras = run.cameraOptions.cameras();
        assertEquals(2, cameras.size());
        assertEquals("left", cameras.get(0).id());
        assertEquals(Math.toRadians(25), cameras.get(0).cameraModel().mount().yaw(), 1e-12);
        assertEquals(0.1, cameras.get(0).cameraModel().mount().y(), 1e-12);
        assertEquals(320, cameras.get(1).cameraModel().intrinsics().width());
        assertEquals(160, cameras.get(1).cameraModel().intrinsics().fx(), 1e-9, "90 deg over 320");

        RunCommand single = new RunCommand();
        CommandLine cli2 = new CommandLine(single);
        cli2.setDefaultValueProvider(ConfigFile.load(file, ConfigFile.optionKeys(cli2)));
        cli2.parseArgs("--camera", "folder:/data/one");
        assertEquals(
                List.of("folder:/data/one"),
                single.cameraOptions.cameras().stream()
                        .map(CameraOptions.CameraSpec::source)
                        .toList());
    }

    @Test
    void aBadCameraEntryIsNamedWithItsIndexAndField() throws Exception {
        for (String[] c :
                new String[][] {
                    {"cameras: []\n", "'cameras' must be a list"},
                    {"cameras:\n  - source: gst:x\n", "cameras[0] needs an 'id' and a 'source'"},
                    {
                        "cameras:\n  - {id: a, source: 'gst:x', lens: 3}\n",
                        "cameras[0]: unknown [lens]"
                    },
                    {
                        "cameras:\n  - {id: a, source: 'gst:x', mount: {z: 1, roll: 2}}\n",
                        "cameras[0].mount.roll: expected one of [x, y, z, yaw, pitch]"
                    },
                    {
                        "cameras:\n  - {id: a, source: 'gst:x', size: 10x10}\n",
                        "cameras[0]: --camera-size"
                    },
                }) {
            Path file = Files.writeString(dir.resolve("bad-cameras.yaml"), c[0]);
            CommandLine cli = new CommandLine(new Main());
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> ConfigFile.load(file, ConfigFile.optionKeys(cli)),
                            c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }
}
