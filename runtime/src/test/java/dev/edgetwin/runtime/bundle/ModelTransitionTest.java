package dev.edgetwin.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.runtime.bundle.BundleException.Reason;
import dev.edgetwin.runtime.bundle.ModelTransition.Kind;
import dev.edgetwin.runtime.twin.MessageStamp;
import dev.edgetwin.runtime.twin.TwinJson;
import dev.edgetwin.runtime.twin.TwinSchemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transition of the store and the deployer is reported once, in order, with its reason, and
 * its {@code model/event} payload conforms to model-event-1.schema.json.
 */
class ModelTransitionTest {
    @TempDir Path dir;

    private final List<ModelTransition> seen = new CopyOnWriteArrayList<>();

    @Test
    void storeAndDeployerReportEachTransitionAndRefusal() throws Exception {
        TestBundles.Signer signer = TestBundles.trustedSigner(dir);
        Path model = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        Path copy = Files.copy(model, dir.resolve("detector-v2.onnx"));
        ModelStore store =
                ModelStore.open(dir.resolve("store"), signer.trust(), TestBundles.runtimeVersion());
        store.reportTransitionsTo(seen::add);
        Path v1 = TestBundles.signed(dir.resolve("v1.tar"), signer.key(), "det", "1.0.0", model);
        Path v2 = TestBundles.signed(dir.resolve("v2.tar"), signer.key(), "det", "2.0.0", copy);

        store.install(v1, false);
        store.install(v1, false); // the same content again: a no-op, no transition
        assertThrows(
                BundleException.class,
                () ->
                        store.install(
                                TestBundles.unsigned(
                                        dir.resolve("unsigned.tar"), "det", "3.0.0", model),
                                false));
        store.activate("det", "1.0.0");
        store.install(v2, false);
        store.activate("det", "2.0.0");
        assertThrows(
                BundleException.class,
                () ->
                        store.install(
                                TestBundles.signed(
                                        dir.resolve("old.tar"),
                                        signer.key(),
                                        "det",
                                        "1.5.0",
                                        model),
                                false));
        store.rollback("det");
        assertThrows(BundleException.class, () -> store.activate("det", "9.9.9"));
        assertThrows(BundleException.class, () -> store.rollback("det"));

        // A deployer whose host cannot serve the model: refused before the store's pointer moves.
        ModelDeployer deployer =
                new ModelDeployer(
                        store,
                        new ModelDeployer.Host() {
                            @Override
                            public void serve(Path m) throws Exception {
                                throw new IllegalStateException("no session for " + m);
                            }

                            @Override
                            public ModelDeployer.Health health() {
                                return new ModelDeployer.Health("det", 0, 0, 0);
                            }
                        });
        store.markChecked("det", "2.0.0");
        assertThrows(BundleException.class, () -> deployer.activate("det", "2.0.0"));

        assertEquals(
                List.of(
                        "installed det@1.0.0",
                        "install-refused ? (UNSIGNED)",
                        "activated det@1.0.0",
                        "installed det@2.0.0",
                        "activated det@2.0.0",
                        "install-refused det@1.5.0 (DOWNGRADE)",
                        "rolled-back det@1.0.0",
                        "activation-refused det@9.9.9 (NOT_INSTALLED)",
                        "rollback-refused det (NOT_INSTALLED)",
                        "activation-refused det@2.0.0 (MODEL_REJECTED)"),
                seen.stream().map(ModelTransition::toString).toList());
        assertEquals("1.0.0", seen.get(4).from());
        assertEquals("2.0.0", seen.get(6).from());
        assertNull(seen.get(2).from());
        assertEquals("1.0.0", store.active("det").orElseThrow().version());

        ObjectMapper json = new ObjectMapper();
        long seq = 0;
        for (ModelTransition t : seen) {
            seq++;
            byte[] payload =
                    TwinJson.encodeModelTransition(
                            "demo", "sim-robot-1", t, new MessageStamp(1, seq, seq - 1));
            assertEquals(List.of(), TwinSchemas.MODEL_EVENT.violations(payload), t.toString());
            JsonNode doc = json.readTree(payload);
            assertEquals(t.kind().wire(), doc.get("type").asText());
            assertEquals(t.message(), doc.get("message").asText());
        }
    }

    @Test
    void theSchemaRefusesWhatTheContractForbids() throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] refused =
                TwinJson.encodeModelTransition(
                        "demo",
                        "r1",
                        ModelTransition.refused(
                                Kind.INSTALL_REFUSED,
                                null,
                                null,
                                new BundleException(Reason.UNSIGNED, "x.tar is not signed")),
                        new MessageStamp(1, 1, 0));
        assertEquals(List.of(), TwinSchemas.MODEL_EVENT.violations(refused));
        JsonNode noReason = json.readTree(refused);
        ((com.fasterxml.jackson.databind.node.ObjectNode) noReason).remove("reason");
        assertTrue(!TwinSchemas.MODEL_EVENT.violations(noReason).isEmpty(), "reason required");
        JsonNode activatedWithoutName = json.readTree(refused);
        ((com.fasterxml.jackson.databind.node.ObjectNode) activatedWithoutName)
                .put("type", "activated")
                .remove("reason");
        assertTrue(
                !TwinSchemas.MODEL_EVENT.violations(activatedWithoutName).isEmpty(),
                "an activation names its model");
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelTransition.of(Kind.ACTIVATED, null, "1.0.0", null, "m"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ModelTransition(Kind.ROLLED_BACK, "det", "1.0.0", null, "X", "m", 0));
    }
}
