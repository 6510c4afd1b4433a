package dev.edgetwin.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.runtime.Daemon;
import dev.edgetwin.runtime.SimulatedFeed;
import dev.edgetwin.runtime.TestDaemons;
import dev.edgetwin.runtime.bundle.ModelDeployer;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.TestBundles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API against a running daemon: status, install, activation, rollback, refusals. */
class AdminServerTest {
    @TempDir Path dir;

    @Test
    void statusInstallActivateAndRollbackOverHttp() throws Exception {
        TestBundles.Signer signer = TestBundles.trustedSigner(dir);
        Path model = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        Path copy = Files.copy(model, dir.resolve("detector-v2.onnx"));
        ModelStore store =
                ModelStore.open(dir.resolve("store"), signer.trust(), TestBundles.runtimeVersion());
        store.install(
                TestBundles.signed(dir.resolve("v1.tar"), signer.key(), "det", "1.0.0", model),
                false);
        store.activate("det", "1.0.0");
        Path v2 = TestBundles.signed(dir.resolve("v2.tar"), signer.key(), "det", "2.0.0", copy);
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        try (Daemon daemon =
                        Daemon.start(
                                TestDaemons.serving("admin", model, dir),
                                SimulatedFeed.demo(1, 20),
                                s -> {});
                AdminServer admin =
                        AdminServer.start(
                                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                                daemon,
                                store,
                                new ModelDeployer.Probation(Duration.ofSeconds(1), 3, 0.05))) {
            String base = "http://127.0.0.1:" + admin.port();
            JsonNode status = json.readTree(send(http, "GET", base + "/status").body());
            assertEquals("READY", status.get("state").asText());
            assertEquals(1, status.get("models").size());

            HttpResponse<String> installed =
                    send(http, "POST", base + "/models/install?path=" + v2);
            assertEquals(200, installed.statusCode(), installed.body());
            HttpResponse<String> activated =
                    send(http, "POST", base + "/models/activate?name=det&version=2.0.0");
            assertEquals(200, activated.statusCode(), activated.body());
            assertEquals("2.0.0", store.active("det").orElseThrow().version());
            assertTrue(
                    waitForServing(http, json, base, "detector-v2.onnx"),
                    "the daemon serves 2.0.0");

            HttpResponse<String> unknown =
                    send(http, "POST", base + "/models/activate?name=det&version=9.0.0");
            assertEquals(409, unknown.statusCode());
            assertEquals("NOT_INSTALLED", json.readTree(unknown.body()).get("error").asText());
            HttpResponse<String> missing = send(http, "POST", base + "/models/rollback");
            assertEquals(400, missing.statusCode(), missing.body());

            HttpResponse<String> rolledBack =
                    send(http, "POST", base + "/models/rollback?name=det");
            assertEquals(200, rolledBack.statusCode(), rolledBack.body());
            assertEquals("1.0.0", store.active("det").orElseThrow().version());
            assertTrue(waitForServing(http, json, base, model.getFileName().toString()));
        }
    }

    private static boolean waitForServing(
            HttpClient http, ObjectMapper json, String base, String file) throws Exception {
        for (int i = 0; i < 100; i++) {
            JsonNode s = json.readTree(send(http, "GET", base + "/status").body());
            if (s.get("servingModel").asText().equals(file)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static HttpResponse<String> send(HttpClient http, String method, String uri)
            throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
