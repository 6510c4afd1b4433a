package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.runtime.bundle.BundleException;
import dev.edgetwin.runtime.bundle.BundleException.Reason;
import dev.edgetwin.runtime.bundle.BundleManifest;
import dev.edgetwin.runtime.bundle.InstalledModel;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.SigningKeys;
import dev.edgetwin.runtime.bundle.TestBundles;
import dev.edgetwin.runtime.bundle.TrustStore;
import dev.edgetwin.runtime.twin.TwinState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tamper matrix: every case refused by the store with the reason that names it, before
 * ONNX Runtime could see a byte (nothing outside the staging folder is written, and it is emptied),
 * while a daemon keeps serving the active model.
 */
class ModelBundleTamperTest {
    private static final String NAME = "floor-detector";

    @TempDir Path dir;

    record Case(String name, Path bundle, Reason expected) {}

    @Test
    void everyTamperedBundleIsRefusedWhileTheActiveModelServes() throws Exception {
        KeyPair trusted = SigningKeys.generate();
        KeyPair stranger = SigningKeys.generate();
        SigningKeys.write(trusted, dir.resolve("keys/site.key"), dir.resolve("keys/site.pub"));
        TrustStore trust = new TrustStore(dir.resolve("trust"));
        trust.trust(dir.resolve("keys/site.pub"));
        Path model = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        byte[] modelBytes = Files.readAllBytes(model);
        Path otherModel = dir.resolve("other/" + model.getFileName());
        Files.createDirectories(otherModel.getParent());
        byte[] otherBytes = java.util.Arrays.copyOf(modelBytes, modelBytes.length + 16);
        Files.write(otherModel, otherBytes);
        String file = model.getFileName().toString();

        ModelStore store =
                ModelStore.open(dir.resolve("store"), trust, TestBundles.runtimeVersion());
        store.install(
                TestBundles.signed(dir.resolve("v1.tar"), trusted, NAME, "1.0.0", model), false);
        store.install(
                TestBundles.signed(dir.resolve("v2.tar"), trusted, NAME, "2.0.0", model), false);
        InstalledModel active = store.activate(NAME, "1.0.0");

        List<Case> cases = new ArrayList<>();
        Path t = Files.createDirectories(dir.resolve("tampered"));
        BundleManifest v3 = TestBundles.manifest(NAME, "3.0.0", Map.of(file, model));
        byte[] v3Json = v3.toJson();
        byte[] v3Sig = TestBundles.sign(v3, trusted);

        cases.add(
                new Case(
                        "unsigned",
                        TestBundles.rawTar(
                                t.resolve("unsigned.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", v3Json)
                                                .file("files/" + file, modelBytes)),
                        Reason.UNSIGNED));
        cases.add(
                new Case(
                        "signed by a key the device does not trust",
                        TestBundles.signed(
                                t.resolve("stranger.tar"), stranger, NAME, "3.0.0", model),
                        Reason.UNTRUSTED_KEY));
        Path flipped = TestBundles.signed(t.resolve("flipped.tar"), trusted, NAME, "3.0.0", model);
        flipOneModelByte(flipped, modelBytes);
        cases.add(new Case("one flipped byte in the model file", flipped, Reason.HASH_MISMATCH));
        byte[] edited =
                new String(v3Json, StandardCharsets.UTF_8)
                        .replace("\"3.0.0\"", "\"3.0.1\"")
                        .getBytes(StandardCharsets.UTF_8);
        cases.add(
                new Case(
                        "manifest edited after signing",
                        TestBundles.rawTar(
                                t.resolve("edited.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", edited)
                                                .file("manifest.sig", v3Sig)
                                                .file("files/" + file, modelBytes)),
                        Reason.BAD_SIGNATURE));
        BundleManifest wrongHash =
                TestBundles.manifest(
                        NAME, "3.0.0", Map.of(file, otherModelSameSize(t, modelBytes)));
        cases.add(
                new Case(
                        "signed manifest whose hash does not match the file",
                        TestBundles.rawTar(
                                t.resolve("manifest-hash.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", wrongHash.toJson())
                                                .file(
                                                        "manifest.sig",
                                                        TestBundles.sign(wrongHash, trusted))
                                                .file("files/" + file, modelBytes)),
                        Reason.HASH_MISMATCH));
        cases.add(
                new Case(
                        "files mixed from two bundles",
                        TestBundles.rawTar(
                                t.resolve("mixed.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", v3Json)
                                                .file("manifest.sig", v3Sig)
                                                .file("files/" + file, otherBytes)),
                        Reason.SIZE_MISMATCH));
        cases.add(
                new Case(
                        "downgrade below the installed 2.0.0",
                        TestBundles.signed(
                                t.resolve("downgrade.tar"), trusted, NAME, "1.5.0", model),
                        Reason.DOWNGRADE));
        Path escapeTarget = dir.resolve("escaped.onnx");
        cases.add(
                new Case(
                        "'../' path",
                        TestBundles.rawTar(
                                t.resolve("dotdot.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", v3Json)
                                                .file("manifest.sig", v3Sig)
                                                .file(
                                                        "files/../../../../escaped.onnx",
                                                        modelBytes)),
                        Reason.UNSAFE_PATH));
        cases.add(
                new Case(
                        "absolute path",
                        TestBundles.rawTar(
                                t.resolve("absolute.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", v3Json)
                                                .file("manifest.sig", v3Sig)
                                                .file(escapeTarget.toString(), modelBytes)),
                        Reason.UNSAFE_PATH));
        cases.add(
                new Case(
                        "symlink escaping the bundle",
                        TestBundles.rawTar(
                                t.resolve("symlink.tar"),
                                false,
                                w ->
                                        w.file("manifest.json", v3Json)
                                                .file("manifest.sig", v3Sig)
                                                .symlink("files/" + file, escapeTarget.toString())
                                                .file("files/" + file, modelBytes)),
                        Reason.LINK_OR_SPECIAL_ENTRY));
        cases.add(
                new Case(
                        "10 000 entries", tenThousandEntries(t, trusted), Reason.TOO_MANY_ENTRIES));
        cases.add(new Case("expansion ratio over 100", bomb(t, trusted), Reason.EXPANSION_RATIO));
        cases.add(new Case("not an archive (a bare ONNX file)", model, Reason.NOT_AN_ARCHIVE));

        List<String> installedBefore = ids(store);
        DaemonConfig config = TestDaemons.serving("tamper", active.modelFile(), dir);
        BlockingQueue<TwinState> states = new LinkedBlockingQueue<>();
        try (Daemon daemon = Daemon.start(config, SimulatedFeed.demo(1, 20), states::add)) {
            assertNotNull(states.poll(60, TimeUnit.SECONDS), "the daemon serves before the matrix");
            for (Case c : cases) {
                BundleException e =
                        assertThrows(
                                BundleException.class,
                                () -> store.install(c.bundle(), false),
                                c.name());
                assertEquals(c.expected(), e.reason(), c.name() + ": " + e.getMessage());
                System.out.printf(
                        "tamper matrix: %-52s refused: %-22s %s%n",
                        c.name(), e.reason(), e.getMessage());
                assertEquals(installedBefore, ids(store), c.name() + ": nothing new installed");
                assertEquals("1.0.0", store.active(NAME).orElseThrow().version(), c.name());
                store.verifyInstalled(NAME, "1.0.0");
                assertFalse(Files.exists(escapeTarget), c.name() + ": nothing written outside");
                try (Stream<Path> staging = Files.walk(dir.resolve("store/.staging"))) {
                    assertEquals(
                            0,
                            staging.filter(p -> p.getFileName().toString().startsWith("install-"))
                                    .count(),
                            c.name() + ": staging emptied");
                }
                states.clear();
                TwinState served = states.poll(30, TimeUnit.SECONDS);
                assertNotNull(served, c.name() + ": the daemon still serves");
                assertEquals(file, served.model().file(), c.name() + ": with the active model");
            }
        }
        assertArrayEquals(modelBytes, Files.readAllBytes(active.modelFile()));
    }

    private static List<String> ids(ModelStore store) throws BundleException {
        return store.list().stream().map(InstalledModel::id).toList();
    }

    /** Flips one byte of the model inside the packed archive (the bytes are stored verbatim). */
    private static void flipOneModelByte(Path archive, byte[] model) throws Exception {
        byte[] bytes = Files.readAllBytes(archive);
        byte[] probe = java.util.Arrays.copyOfRange(model, 0, 64);
        int at = -1;
        for (int i = 0; i + probe.length <= bytes.length && at < 0; i++) {
            if (java.util.Arrays.equals(bytes, i, i + probe.length, probe, 0, probe.length)) {
                at = i;
            }
        }
        assertTrue(at >= 0, "the model's bytes are in the archive");
        bytes[at + model.length / 2] ^= 0x01;
        Files.write(archive, bytes);
    }

    private static Path otherModelSameSize(Path dir, byte[] model) throws Exception {
        byte[] other = model.clone();
        other[other.length / 3] ^= 0x40;
        return Files.write(dir.resolve("same-size-other.onnx"), other);
    }

    private static Path tenThousandEntries(Path dir, KeyPair key) throws Exception {
        Path parts = Files.createDirectories(dir.resolve("parts"));
        Map<String, Path> files = new LinkedHashMap<>();
        Path one = Files.write(parts.resolve("one"), new byte[] {1});
        files.put("model.onnx", one);
        for (int i = 0; i < 9_998; i++) {
            files.put("p/" + i, one);
        }
        BundleManifest m = TestBundles.manifest(NAME, "4.0.0", files);
        return TestBundles.rawTar(
                dir.resolve("entries.tar"),
                false,
                w -> {
                    w.file("manifest.json", m.toJson())
                            .file("manifest.sig", TestBundles.sign(m, key));
                    for (String path : files.keySet()) {
                        w.file("files/" + path, new byte[] {1});
                    }
                });
    }

    /** A signed, honest bundle whose 64 MiB model file is zeros: a few hundred kB compressed. */
    private static Path bomb(Path dir, KeyPair key) throws Exception {
        long size = 64L << 20;
        Path zeros = dir.resolve("zeros.onnx");
        try (var out = Files.newOutputStream(zeros)) {
            byte[] block = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                out.write(block);
            }
        }
        BundleManifest m = TestBundles.manifest(NAME, "5.0.0", Map.of("zeros.onnx", zeros));
        Path bundle =
                TestBundles.rawTar(
                        dir.resolve("bomb.tar.gz"),
                        true,
                        w ->
                                w.file("manifest.json", m.toJson())
                                        .file("manifest.sig", TestBundles.sign(m, key))
                                        .zeros("files/zeros.onnx", size));
        Files.delete(zeros);
        assertTrue(Files.size(bundle) * 100 < size, "compresses by more than 100x");
        return bundle;
    }
}
