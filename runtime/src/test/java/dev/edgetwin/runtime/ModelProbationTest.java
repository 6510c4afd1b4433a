package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.runtime.bundle.ModelDeployer;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.TestBundles;
import dev.edgetwin.runtime.bundle.TrustStore;
import dev.edgetwin.runtime.twin.TwinState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed but bad model that passed its first check: it loads, passes the contract and warm-up,
 * and on live frames its output is NaN. Each activation is rolled back by the probation within its
 * window, 20 times out of 20, and a good model passes.
 */
class ModelProbationTest {
    private static final String NAME = "floor-detector";

    @TempDir Path dir;

    @Test
    void aModelWithNanOutputsIsRolledBackWithinTheWindowEveryTime() throws Exception {
        int trials = Integer.getInteger("edgetwin.probationTrials", 20);
        TestBundles.Signer signer = TestBundles.trustedSigner(dir);
        KeyPair key = signer.key();
        TrustStore trust = signer.trust();
        Path good = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        Path bad = nanOutputs(good, dir.resolve("nan-detector.onnx"));
        ModelStore store =
                ModelStore.open(dir.resolve("store"), trust, TestBundles.runtimeVersion());
        store.install(TestBundles.signed(dir.resolve("v1.tar"), key, NAME, "1.0.0", good), false);
        store.install(pack(bad, "2.0.0", key), false);
        // Its failure shows only on live frames here: it passed its first check in the child JVM
        // (ModelFirstLoadTest shows that check refusing this very model).
        store.markChecked(NAME, "2.0.0");
        store.activate(NAME, "1.0.0");
        java.util.List<String> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
        store.reportTransitionsTo(t -> transitions.add(t.toString()));

        DaemonConfig config =
                TestDaemons.serving("probation", store.active(NAME).orElseThrow().modelFile(), dir);
        BlockingQueue<TwinState> states = new LinkedBlockingQueue<>();
        Duration window = Duration.ofSeconds(5);
        ModelDeployer.Probation probation = new ModelDeployer.Probation(window, 5, 0.05);
        try (Daemon daemon = Daemon.start(config, SimulatedFeed.demo(1, 20), states::add)) {
            assertNotNull(states.poll(60, TimeUnit.SECONDS));
            ModelDeployer deployer = new ModelDeployer(store, daemon.deploymentHost());
            long slowest = 0;
            for (int i = 0; i < trials; i++) {
                ModelDeployer.ProbationOutcome o =
                        deployer.activateOnProbation(NAME, "2.0.0", probation)
                                .get(60, TimeUnit.SECONDS);
                assertFalse(o.passed(), "trial " + i + ": " + o);
                assertEquals("1.0.0", o.rolledBackTo(), "trial " + i);
                assertTrue(o.decidedAfter().compareTo(window) < 0, "within the window: " + o);
                assertEquals("1.0.0", store.active(NAME).orElseThrow().version());
                slowest = Math.max(slowest, o.decidedAfter().toMillis());
                if (i == 0) {
                    System.out.println("probation: " + o);
                }
            }
            // Frames already in flight at the last rollback finish on the model they started on.
            String servedNow = "";
            for (int i = 0; i < 20 && !servedNow.equals(good.getFileName().toString()); i++) {
                servedNow = states.poll(30, TimeUnit.SECONDS).model().file();
            }
            assertEquals(good.getFileName().toString(), servedNow, "1.0.0 serves");
            // Each verdict is published before the rollback it causes.
            java.util.List<String> expected = new java.util.ArrayList<>();
            for (int i = 0; i < trials; i++) {
                expected.add("activated " + NAME + "@2.0.0");
                expected.add("probation-failed " + NAME + "@2.0.0 (PROBATION)");
                expected.add("rolled-back " + NAME + "@1.0.0");
            }
            assertEquals(expected, transitions);
            transitions.clear();
            System.out.printf(
                    "probation: %d of %d NaN-output activations rolled back automatically, the"
                            + " slowest decided after %d ms (window %d ms)%n",
                    trials, trials, slowest, window.toMillis());

            // The good model passes the same probation.
            Path renamed = Files.copy(good, dir.resolve("good-v3.onnx"));
            store.install(pack(renamed, "3.0.0", key), false);
            ModelDeployer.ProbationOutcome passed =
                    deployer.activateOnProbation(
                                    NAME,
                                    "3.0.0",
                                    new ModelDeployer.Probation(Duration.ofSeconds(2), 5, 0.05))
                            .get(60, TimeUnit.SECONDS);
            assertTrue(passed.passed(), passed.toString());
            assertEquals("3.0.0", store.active(NAME).orElseThrow().version());
            assertEquals(
                    java.util.List.of(
                            "installed " + NAME + "@3.0.0",
                            "activated " + NAME + "@3.0.0",
                            "probation-passed " + NAME + "@3.0.0"),
                    transitions);
        }
    }

    private Path pack(Path model, String version, KeyPair key) throws Exception {
        return TestBundles.signed(dir.resolve("v" + version + ".tar"), key, NAME, version, model);
    }

    /** The same model with its output multiplied by NaN: same contract, loads and runs. */
    static Path nanOutputs(Path model, Path out) throws Exception {
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        String output = proto.getGraph().getOutput(0).getName();
        String raw = output + "_before_nan";
        ModelProto.Builder b = proto.toBuilder();
        var graph = b.getGraphBuilder();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto.Builder n = graph.getNodeBuilder(i);
            for (int o = 0; o < n.getOutputCount(); o++) {
                if (n.getOutput(o).equals(output)) {
                    n.setOutput(o, raw);
                }
            }
        }
        graph.addInitializer(
                TensorProto.newBuilder()
                        .setName("nan_scale")
                        .setDataType(TensorProto.DataType.FLOAT.getNumber())
                        .addFloatData(Float.NaN));
        graph.addNode(
                NodeProto.newBuilder()
                        .setOpType("Mul")
                        .setName("broken_scale")
                        .addInput(raw)
                        .addInput("nan_scale")
                        .addOutput(output));
        Files.write(out, b.build().toByteArray());
        return out;
    }
}
