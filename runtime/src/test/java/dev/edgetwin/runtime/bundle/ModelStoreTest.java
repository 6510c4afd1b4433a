package dev.edgetwin.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelStoreTest {
    @TempDir Path dir;
    KeyPair key;
    TrustStore trust;
    Path model;

    @BeforeEach
    void keysAndModel() throws Exception {
        key = SigningKeys.generate();
        SigningKeys.write(key, dir.resolve("k.key"), dir.resolve("k.pub"));
        trust = new TrustStore(dir.resolve("trust"));
        trust.trust(dir.resolve("k.pub"));
        model = Files.write(dir.resolve("m.onnx"), new byte[] {8, 1, 2, 3});
    }

    private Path bundle(String version) throws Exception {
        return TestBundles.signed(dir.resolve("b-" + version + ".tar"), key, "m", version, model);
    }

    private ModelStore store() throws Exception {
        return ModelStore.open(dir.resolve("store"), trust, TestBundles.runtimeVersion());
    }

    @Test
    void rollbackWalksTheHistoryBack() throws Exception {
        ModelStore s = store();
        for (String v : List.of("1.0.0", "1.1.0", "1.2.0")) {
            s.install(bundle(v), false);
            s.activate("m", v);
        }
        assertEquals("1.1.0", s.previous("m").orElseThrow().version());
        assertEquals("1.1.0", s.rollback("m").version());
        assertEquals("1.0.0", s.rollback("m").version());
        BundleException none = assertThrows(BundleException.class, () -> s.rollback("m"));
        assertEquals(BundleException.Reason.NOT_INSTALLED, none.reason());
        assertTrue(none.getMessage().contains("m@1.0.0"), none.getMessage());
        assertEquals("1.0.0", store().active("m").orElseThrow().version(), "kept on disk");
    }

    @Test
    void reinstallingTheSameBundleIsANoOpAndOtherContentUnderItsVersionIsRefused()
            throws Exception {
        ModelStore s = store();
        assertFalse(s.install(bundle("1.0.0"), false).alreadyInstalled());
        assertTrue(s.install(bundle("1.0.0"), false).alreadyInstalled());
        Files.write(model, new byte[] {8, 1, 2, 4});
        BundleException e =
                assertThrows(BundleException.class, () -> s.install(bundle("1.0.0"), false));
        assertEquals(BundleException.Reason.VERSION_CONFLICT, e.reason());
    }

    @Test
    void activationChecksTheFilesAndTheKeyAgain() throws Exception {
        ModelStore s = store();
        InstalledModel m = s.install(bundle("1.0.0"), false).model();
        Files.write(m.modelFile(), new byte[] {8, 1, 2, 9});
        BundleException changed =
                assertThrows(BundleException.class, () -> s.activate("m", "1.0.0"));
        assertEquals(BundleException.Reason.HASH_MISMATCH, changed.reason());
        assertTrue(s.active("m").isEmpty(), "nothing activated");

        s.install(bundle("2.0.0"), false);
        Files.delete(trust.directory().resolve(SigningKeys.keyId(key.getPublic()) + ".pub"));
        BundleException untrusted =
                assertThrows(BundleException.class, () -> s.activate("m", "2.0.0"));
        assertEquals(BundleException.Reason.UNTRUSTED_KEY, untrusted.reason());
    }

    @Test
    void aBundleForANewerRuntimeIsRefused() throws Exception {
        BundleManifest m = TestBundles.manifest("m", "1.0.0", java.util.Map.of("m.onnx", model));
        BundleManifest future =
                new BundleManifest(
                        m.format(),
                        m.name(),
                        m.version(),
                        m.role(),
                        m.model(),
                        "99.0.0",
                        m.description(),
                        m.files(),
                        m.contract(),
                        m.processing(),
                        m.device());
        Path b = dir.resolve("future.tar");
        BundlePacker.write(
                future,
                BundleSignature.sign(future.toJson(), key.getPrivate(), key.getPublic()),
                java.util.Map.of("m.onnx", model),
                b);
        BundleException e = assertThrows(BundleException.class, () -> store().install(b, false));
        assertEquals(BundleException.Reason.RUNTIME_TOO_OLD, e.reason());
    }

    @Test
    void versionsOrderLikeSemanticVersions() {
        List<String> sorted =
                java.util.stream.Stream.of(
                                "1.10.0", "1.2.0", "1.2.0-rc1", "1.2", "0.9.9", "2", "1.2.0-rc2")
                        .map(ModelVersion::parse)
                        .sorted()
                        .map(ModelVersion::toString)
                        .toList();
        assertEquals(
                List.of("0.9.9", "1.2.0-rc1", "1.2.0-rc2", "1.2", "1.2.0", "1.10.0", "2"), sorted);
        assertThrows(IllegalArgumentException.class, () -> ModelVersion.parse("1.0.0; rm -rf /"));
        assertThrows(IllegalArgumentException.class, () -> ModelVersion.parse("../1"));
    }
}
