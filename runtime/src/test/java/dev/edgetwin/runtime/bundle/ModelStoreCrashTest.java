package dev.edgetwin.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.profiles.ModelRole;
import dev.edgetwin.runtime.Daemon;
import dev.edgetwin.runtime.SimulatedFeed;
import dev.edgetwin.runtime.TestDaemons;
import dev.edgetwin.runtime.TestProfiles;
import dev.edgetwin.runtime.inference.InferenceEngine;
import dev.edgetwin.runtime.inference.LoadedModel;
import dev.edgetwin.runtime.inference.ModelContract;
import dev.edgetwin.runtime.twin.TwinState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during install and activation: a child JVM installs and activates version 2 over an
 * active version 1 and is SIGKILLed when it reaches each step; the store is then reopened and must
 * hold exactly one complete, verified, active version, which ONNX Runtime loads; after the last run
 * of each step a daemon starts on it and serves frames.
 *
 * <p>Runs per step: {@code -Dedgetwin.crashRuns=N} (default 1 in the suite; the 20 with
 * {@code -Dedgetwin.crashRuns=20}, see docs/model-bundles.md).
 */
class ModelStoreCrashTest {
    static final List<String> STEPS =
            List.of(
                    "install.staging-created",
                    "install.unpacked",
                    "install.synced",
                    "install.name-folder-created",
                    "install.renamed",
                    "install.done",
                    "activate.temporary-created",
                    "activate.written",
                    "activate.synced",
                    "activate.renamed",
                    "activate.done");

    @TempDir Path dir;

    @Test
    void killedAtEveryStepTheStoreHoldsOneCompleteActiveModel() throws Exception {
        int runs = Integer.getInteger("edgetwin.crashRuns", 1);
        TestBundles.Signer signer = TestBundles.trustedSigner(dir);
        KeyPair key = signer.key();
        TrustStore trust = signer.trust();
        Path model = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        Path v1 = TestBundles.signed(dir.resolve("v1.tar"), key, "det", "1.0.0", model);
        Path v2 = TestBundles.signed(dir.resolve("v2.tar"), key, "det", "2.0.0", model);

        Map<String, Map<String, Integer>> outcomes = new TreeMap<>();
        for (String step : STEPS) {
            for (int run = 0; run < runs; run++) {
                Path store = dir.resolve("store-" + step + "-" + run);
                ModelStore s = ModelStore.open(store, trust, TestBundles.runtimeVersion());
                s.install(v1, false);
                s.activate("det", "1.0.0");

                Process child = startChild(store, trust, v2, step);
                try (BufferedReader out =
                        new BufferedReader(
                                new InputStreamReader(
                                        child.getInputStream(), StandardCharsets.UTF_8))) {
                    String line = out.readLine();
                    assertEquals("AT " + step, line, "the child reached " + step);
                    child.destroyForcibly(); // SIGKILL on Linux
                    assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child died");
                    assertEquals(137, child.exitValue(), "killed by SIGKILL");
                }

                ModelStore reopened = ModelStore.open(store, trust, TestBundles.runtimeVersion());
                InstalledModel active = reopened.active("det").orElseThrow();
                reopened.verifyInstalled("det", active.version());
                List<String> versions = new ArrayList<>();
                for (InstalledModel m : reopened.list()) {
                    reopened.verifyInstalled(m.name(), m.version()); // every version complete
                    versions.add(m.version());
                }
                assertTrue(
                        !Files.exists(
                                store.resolve(".staging").resolve(Long.toString(child.pid()))),
                        step + ": the killed process's staging swept");
                try (Stream<Path> leftovers = Files.list(store.resolve("det"))) {
                    assertEquals(
                            List.of(),
                            leftovers
                                    .map(p -> p.getFileName().toString())
                                    .filter(n -> n.startsWith("."))
                                    .toList(),
                            step + ": no temporary pointer left");
                }
                if (run == runs - 1) {
                    // The daemon starts on what the store names, and serves frames.
                    BlockingQueue<TwinState> states = new LinkedBlockingQueue<>();
                    try (Daemon daemon =
                            Daemon.start(
                                    TestDaemons.serving(
                                            "crash",
                                            active.modelFile(),
                                            store.resolveSibling(store.getFileName() + "-daemon")),
                                    SimulatedFeed.demo(1, 20),
                                    states::add)) {
                        TwinState first = states.poll(60, TimeUnit.SECONDS);
                        assertTrue(first != null, step + ": the daemon serves");
                        assertEquals(
                                active.modelFile().getFileName().toString(), first.model().file());
                    }
                } else {
                    try (LoadedModel loaded =
                            InferenceEngine.instance()
                                    .load(
                                            active.modelFile(),
                                            ModelRole.DETECTOR,
                                            TestProfiles.cpuFp32(),
                                            ModelContract.detector())) {
                        assertTrue(loaded.report().model().length() > 0);
                    }
                }
                outcomes.computeIfAbsent(step, k -> new TreeMap<>())
                        .merge(
                                "active " + active.version() + ", installed " + versions,
                                1,
                                Integer::sum);
            }
        }
        outcomes.forEach((step, o) -> System.out.printf("crash at %-28s -> %s%n", step, o));
        // Before the rename of the pointer the old version is active, after it the new one.
        for (String step : STEPS) {
            String expected =
                    step.equals("activate.renamed") || step.equals("activate.done")
                            ? "2.0.0"
                            : "1.0.0";
            assertEquals(
                    runs,
                    outcomes.get(step).entrySet().stream()
                            .filter(e -> e.getKey().startsWith("active " + expected))
                            .mapToInt(Map.Entry::getValue)
                            .sum(),
                    step + ": " + outcomes.get(step));
        }
    }

    private static Process startChild(Path store, TrustStore trust, Path bundle, String step)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        StoreCrashChild.class.getName(),
                        store.toString(),
                        trust.directory().toString(),
                        bundle.toString(),
                        "det",
                        "2.0.0",
                        step)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }
}
