package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
