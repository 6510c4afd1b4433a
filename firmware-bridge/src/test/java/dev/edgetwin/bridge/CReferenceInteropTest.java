package dev.edgetwin.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds the C reference implementation (c/) with gcc and runs its test program on the shared
 * vectors: the same bytes must decode to the same fields in C and in Java, and C must re-encode
 * them to the same bytes. Needs gcc (Debian: gcc libc6-dev); runs with -Pinterop.
 */
@Tag("interop")
class CReferenceInteropTest {

    @TempDir Path build;

    private static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Result run(Path dir, String... command) throws Exception {
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Process p =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Result(int exit, String stdout, String stderr) {}

    @Test
    void cAndJavaDecodeTheSharedVectorsTheSame() throws Exception {
        assumeTrue(
                gccAvailable(),
                "gcc not found: install gcc and libc6-dev to check the C reference implementation");
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Path c = module.resolve("c");
        Path vectors = module.resolve("src/test/resources/vectors.txt");
        Path binary = build.resolve("etb_test");

        Result compile =
                run(
                        build,
                        "gcc",
                        "-std=c99",
                        "-Wall",
                        "-Wextra",
                        "-Wconversion",
                        "-Werror",
                        "-pedantic",
                        "-O2",
                        c.resolve("etb_protocol.c").toString(),
                        c.resolve("etb_test.c").toString(),
                        "-o",
                        binary.toString());
        assertEquals(0, compile.exit(), "gcc failed:\n" + compile.stderr());

        Result test = run(build, binary.toString(), vectors.toString());
        assertEquals(0, test.exit(), "etb_test failed:\n" + test.stderr());

        List<String> javaDecoded = new ArrayList<>();
        for (TestVectors.Vector v :
                TestVectors.parse(Files.readString(vectors, StandardCharsets.UTF_8))) {
            javaDecoded.add(TestVectors.decodeToText(v.frame()));
        }
        assertEquals(javaDecoded, test.stdout().lines().toList());
    }
}
