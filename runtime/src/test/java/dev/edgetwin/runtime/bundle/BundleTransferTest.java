package dev.edgetwin.runtime.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.bundle.BundleException.Reason;
import dev.edgetwin.runtime.twin.MessageStamp;
import dev.edgetwin.runtime.twin.ModelCommandListener.ModelCommandReply;
import dev.edgetwin.runtime.twin.TwinJson;
import dev.edgetwin.runtime.twin.TwinSchemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunk assembler's checks and limits, on a fake clock; malformed model commands. */
class BundleTransferTest {
    @TempDir Path dir;

    private final AtomicLong now = new AtomicLong();

    private BundleTransfer transfer(ModelStore store) {
        return new BundleTransfer(
                store, new BundleTransfer.Limits(1000, 4, 300, Duration.ofSeconds(10)), now::get);
    }

    private ModelStore store() throws Exception {
        return ModelStore.open(
                dir.resolve("store"),
                TestBundles.trustedSigner(dir).trust(),
                TestBundles.runtimeVersion());
    }

    @Test
    void chunksInAnyOrderWithDuplicatesAssembleTheBundle() throws Exception {
        ModelStore store = store();
        byte[] bundle = new byte[700];
        new Random(7).nextBytes(bundle);
        byte[][] parts = {
            Arrays.copyOfRange(bundle, 0, 300),
            Arrays.copyOfRange(bundle, 300, 600),
            Arrays.copyOfRange(bundle, 600, 700)
        };
        try (BundleTransfer t = transfer(store)) {
            assertNull(t.accept("x", 2, 3, 700, sha(bundle), sha(parts[2]), parts[2]).bundle());
            assertEquals(
                    1, t.accept("x", 2, 3, 700, sha(bundle), sha(parts[2]), parts[2]).received());
            assertEquals(
                    2, t.accept("x", 0, 3, 700, sha(bundle), sha(parts[0]), parts[0]).received());
            BundleTransfer.Progress done =
                    t.accept("x", 1, 3, 700, sha(bundle), sha(parts[1]), parts[1]);
            assertNotNull(done.bundle());
            assertArrayEquals(bundle, Files.readAllBytes(done.bundle()));
            t.finish();
            assertNull(t.current());
            try (Stream<Path> left = Files.list(store.stagingArea())) {
                assertEquals(0, left.count(), "staging emptied");
            }
        }
    }

    @Test
    void refusalsNameWhatWasWrong() throws Exception {
        ModelStore store = store();
        byte[] a = "first part".getBytes(StandardCharsets.UTF_8);
        byte[] b = "second".getBytes(StandardCharsets.UTF_8);
        byte[] whole = (new String(a, StandardCharsets.UTF_8) + "second").getBytes();
        try (BundleTransfer t = transfer(store)) {
            assertRefused(
                    "count must be 1-4", () -> t.accept("x", 0, 5, 16, sha(whole), sha(a), a));
            assertRefused(
                    "index must be 0-1", () -> t.accept("x", 2, 2, 16, sha(whole), sha(a), a));
            assertRefused(
                    "size must be 1-1000", () -> t.accept("x", 0, 2, 1001, sha(whole), sha(a), a));
            assertRefused(
                    "1-300 bytes",
                    () -> t.accept("x", 0, 2, 16, sha(whole), sha(a), new byte[301]));
            assertRefused("transfer id", () -> t.accept("../x", 0, 2, 16, sha(whole), sha(a), a));
            assertRefused("send it again", () -> t.accept("x", 0, 2, 16, sha(whole), sha(b), a));
            assertNull(t.current(), "a refused first chunk starts nothing");
            t.accept("x", 0, 2, 16, sha(whole), sha(a), a);
            assertRefused(
                    "one transfer at a time", () -> t.accept("y", 0, 1, 6, sha(b), sha(b), b));
            assertRefused("disagrees", () -> t.accept("x", 1, 3, 16, sha(whole), sha(b), b));
            // The whole's hash is checked once every chunk is there: the declared size is wrong.
            assertRefused(
                    "past its declared",
                    () -> t.accept("x", 1, 2, 16, sha(whole), sha(new byte[7]), new byte[7]));
            assertNotNull(t.accept("x", 1, 2, 16, sha(whole), sha(b), b).bundle());
            t.finish();
            t.accept("z", 0, 2, 16, sha(b), sha(a), a);
            assertRefused(
                    "assembled to 16 bytes", () -> t.accept("z", 1, 2, 16, sha(b), sha(b), b));
            assertNull(t.current(), "a bundle that fails its hash is dropped");

            t.accept("w", 0, 2, 16, sha(whole), sha(a), a);
            now.addAndGet(Duration.ofSeconds(9).toNanos());
            assertNull(t.expire());
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            BundleException dropped = t.expire();
            assertNotNull(dropped);
            assertTrue(dropped.getMessage().contains("1 of 2 chunks received (missing: 1)"));
            assertNull(t.current());
        }
    }

    @Test
    void malformedModelCommandsAreAnsweredAndNeverThrow() throws Exception {
        ModelStore store = store();
        ModelDeployer deployer =
                new ModelDeployer(
                        store,
                        new ModelDeployer.Host() {
                            @Override
                            public void serve(Path model) {
                                throw new IllegalStateException("no daemon in this test");
                            }

                            @Override
                            public ModelDeployer.Health health() {
                                return new ModelDeployer.Health("none", 0, 0, 0);
                            }
                        });
        List<String> garbage =
                List.of(
                        "",
                        "[]",
                        "null",
                        "{}",
                        "{\"id\":\"a\"}",
                        "{\"id\":\"a b\",\"command\":\"rollback\",\"name\":\"det\"}",
                        "{\"id\":\"a\",\"command\":\"rollback\",\"name\":7}",
                        "{\"id\":\"a\",\"command\":\"rollback\",\"name\":\"det\",\"x\":1}",
                        "{\"id\":\"a\",\"command\":\"activate\",\"name\":\"det\"}",
                        "{\"id\":\"a\",\"command\":\"install\",\"path\":\"/nonexistent.tar\"}",
                        "{\"id\":\"a\",\"command\":\"install\",\"path\":\"/x\",\"activate\":\"yes\"}",
                        "{\"id\":\"a\",\"command\":\"bundle-chunk\",\"transfer\":\"t\",\"index\":0,"
                                + "\"count\":1,\"size\":3,\"sha256\":\"00\",\"chunkSha256\":\"00\","
                                + "\"data\":\"!!!\"}",
                        "{\"id\":\"a\",\"command\":\"bundle-chunk\",\"transfer\":\"t\",\"index\":1.5}",
                        "{\"schema\":\"other\",\"id\":\"a\",\"command\":\"rollback\",\"name\":\"d\"}",
                        "{\"id\":\"a\",\"command\":\"rollback\",\"name\":\"det\"} trailing");
        ObjectMapper json = new ObjectMapper();
        try (RemoteModelCommands remote =
                new RemoteModelCommands(
                        store,
                        deployer,
                        ModelDeployer.Probation.defaults(),
                        BundleTransfer.Limits.defaults())) {
            long seq = 0;
            for (String g : garbage) {
                ModelCommandReply r = remote.handle(g.getBytes(StandardCharsets.UTF_8));
                assertEquals("rejected", r.verdict().status().wire(), g + " -> " + r);
                assertNotNull(r.code(), g);
                if (g.contains("\"yes\"")) {
                    assertEquals("BAD_COMMAND", r.code(), "checked before the install: " + r);
                }
                seq++;
                byte[] payload =
                        TwinJson.encodeModelCommandReply(
                                "demo", "r1", r, new MessageStamp(1, seq, seq - 1));
                assertEquals(List.of(), TwinSchemas.MODEL_COMMAND_RESPONSE.violations(payload), g);
                assertTrue(json.readTree(payload).get("error").asText().length() > 5, "says why");
            }
            ModelCommandReply huge = remote.handle(new byte[2 << 20]);
            assertTrue(huge.verdict().reason().contains("at most"), huge.toString());
            ModelCommandReply notUtf8 = remote.handle(new byte[] {'{', (byte) 0xff, '}'});
            assertEquals("not UTF-8 text", notUtf8.verdict().reason());
        }
    }

    private static void assertRefused(String says, org.junit.jupiter.api.function.Executable e) {
        BundleException x = assertThrows(BundleException.class, e);
        assertEquals(Reason.BAD_TRANSFER, x.reason(), x.getMessage());
        assertTrue(x.getMessage().contains(says), x.getMessage());
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
