package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.runtime.bundle.BundleException;
import dev.edgetwin.runtime.bundle.ModelDeployer;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version's first load and golden inference run in a child JVM before the daemon's ONNX
 * Runtime sees it: a model that does not load, or whose outputs are NaN, is refused there and the
 * serving model is never touched; a good model passes once and is not checked again.
 */
class ModelFirstLoadTest {
    @TempDir Path dir;

    @Test
    void badModelsAreRefusedInTheChildAndGoodOnesPassOnce() throws Exception {
        TestBundles.Signer signer = TestBundles.trustedSigner(dir);
        Path good = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        Path nan = ModelProbationTest.nanOutputs(good, dir.resolve("nan.onnx"));
        Path garbage = Files.write(dir.resolve("garbage.onnx"), new byte[] {8, 7, 1, 2, 3});
        ModelStore store =
                ModelStore.open(dir.resolve("store"), signer.trust(), TestBundles.runtimeVersion());
        String[][] versions = {
            {"1.0.0", good.toString()}, {"2.0.0", nan.toString()}, {"3.0.0", garbage.toString()}
        };
        for (String[] v : versions) {
            store.install(
                    TestBundles.signed(
                            dir.resolve(v[0] + ".tar"), signer.key(), "det", v[0], Path.of(v[1])),
                    false);
        }
        List<Path> served = new ArrayList<>();
        ModelDeployer deployer =
                new ModelDeployer(
                        store,
                        new ModelDeployer.Host() {
                            @Override
                            public void serve(Path model) {
                                served.add(model);
                            }

                            @Override
                            public ModelDeployer.Health health() {
                                return new ModelDeployer.Health("", 0, 0, 0);
                            }
                        });

        deployer.activate("det", "1.0.0");
        assertTrue(store.isChecked("det", "1.0.0"));
        assertEquals(1, served.size());

        BundleException nanRefused =
                assertThrows(BundleException.class, () -> deployer.activate("det", "2.0.0"));
        assertEquals(BundleException.Reason.MODEL_REJECTED, nanRefused.reason());
        assertTrue(nanRefused.getMessage().contains("NaN or infinity"), nanRefused.getMessage());
        BundleException garbageRefused =
                assertThrows(BundleException.class, () -> deployer.activate("det", "3.0.0"));
        assertEquals(BundleException.Reason.MODEL_REJECTED, garbageRefused.reason());
        assertTrue(
                garbageRefused.getMessage().contains("does not load"), garbageRefused.getMessage());
        System.out.println("first load: " + nanRefused.getMessage());
        System.out.println("first load: " + garbageRefused.getMessage());

        assertEquals(1, served.size(), "the host never saw the refused models");
        assertEquals("1.0.0", store.active("det").orElseThrow().version());
        assertFalse(store.isChecked("det", "2.0.0"));
        deployer.activate("det", "1.0.0");
        assertEquals(2, served.size(), "served again, from its recorded check");
    }
}
