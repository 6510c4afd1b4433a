package dev.edgetwin.runtime.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.edgetwin.runtime.Daemon;
import dev.edgetwin.runtime.bundle.BundleException;
import dev.edgetwin.runtime.bundle.InstalledModel;
import dev.edgetwin.runtime.bundle.ModelDeployer;
import dev.edgetwin.runtime.bundle.ModelStore;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.tinylog.Logger;

/**
 * The running daemon's local admin API (HTTP + JSON, bound to 127.0.0.1 by default), for {@code
 * edgetwin status} and for model installs, activations and rollbacks that the running daemon must
 * carry out itself (swap between frames, probation):
 *
 * <ul>
 *   <li>{@code GET /status}: frames, the serving model, the store's models
 *   <li>{@code POST /models/install?path=BUNDLE[&allowDowngrade=true]}: a bundle on the device
 *   <li>{@code POST /models/activate?name=N&version=V}: on probation; the verdict is logged
 *   <li>{@code POST /models/rollback?name=N}
 * </ul>
 *
 * Refusals answer 409 with {@code {"error": REASON, "message": ...}}; bad requests 400.
 */
public final class AdminServer implements AutoCloseable {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpServer server;
    private final Daemon daemon;
    private final ModelStore store;
    private final ModelDeployer deployer;
    private final ModelDeployer.Probation probation;
    private volatile ModelDeployer.ProbationOutcome lastProbation;

    private AdminServer(
            HttpServer server,
            Daemon daemon,
            ModelStore store,
            ModelDeployer deployer,
            ModelDeployer.Probation probation) {
        this.server = server;
        this.daemon = daemon;
        this.store = store;
        this.deployer = deployer;
        this.probation = probation;
    }

    /**
     * Starts the API on {@code bind}.
     *
     * @throws IOException when the address is taken, naming it
     */
    public static AdminServer start(
            InetSocketAddress bind,
            Daemon daemon,
            ModelStore store,
            ModelDeployer.Probation probation)
            throws IOException {
        return start(
                bind, daemon, store, new ModelDeployer(store, daemon.deploymentHost()), probation);
    }

    /**
     * As {@link #start(InetSocketAddress, Daemon, ModelStore, ModelDeployer.Probation)} with the
     * daemon's deployer, shared with its other ways in (model commands over MQTT) so that
     * activations never overlap.
     */
    public static AdminServer start(
            InetSocketAddress bind,
            Daemon daemon,
            ModelStore store,
            ModelDeployer deployer,
            ModelDeployer.Probation probation)
            throws IOException {
        HttpServer http;
        try {
            http = HttpServer.create(bind, 8);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        AdminServer admin = new AdminServer(http, daemon, store, deployer, probation);
        http.createContext("/status", admin::status);
        http.createContext("/models/", admin::models);
        http.setExecutor(
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "admin-api");
                            t.setDaemon(true);
                            return t;
                        }));
        http.start();
        Logger.info("Admin API on http://{}:{}", bind.getHostString(), admin.port());
        return admin;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void status(HttpExchange exchange) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, Map.of("error", "METHOD", "message", "GET /status"));
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("state", daemon.state().name());
        doc.put("framesCaptured", daemon.framesCaptured());
        doc.put("framesProcessed", daemon.framesProcessed());
        doc.put("framesDropped", daemon.framesDropped());
        doc.put("framesFailed", daemon.framesFailed());
        doc.put("statesPublished", daemon.statesPublished());
        doc.put("servingModel", daemon.detectorHealth().model());
        List<Map<String, Object>> models = new ArrayList<>();
        try {
            for (InstalledModel m : store.list()) {
                models.add(
                        Map.of(
                                "name", m.name(),
                                "version", m.version(),
                                "role", m.manifest().role(),
                                "active", m.active()));
            }
        } catch (BundleException e) {
            doc.put("storeError", e.getMessage());
        }
        doc.put("models", models);
        ModelDeployer.ProbationOutcome p = lastProbation;
        if (p != null) {
            doc.put(
                    "lastProbation",
                    Map.of(
                            "model", p.model(),
                            "passed", p.passed(),
                            "reason", p.reason(),
                            "rolledBackTo", p.rolledBackTo() == null ? "" : p.rolledBackTo()));
        }
        reply(exchange, 200, doc);
    }

    private void models(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, Map.of("error", "METHOD", "message", "use POST"));
            return;
        }
        String action = exchange.getRequestURI().getPath().substring("/models/".length());
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        try {
            switch (action) {
                case "install" -> {
                    String path = required(q, "path");
                    ModelStore.InstallResult r =
                            store.install(Path.of(path), "true".equals(q.get("allowDowngrade")));
                    reply(
                            exchange,
                            200,
                            Map.of(
                                    "installed", r.model().id(),
                                    "alreadyInstalled", r.alreadyInstalled()));
                }
                case "activate" -> {
                    String name = required(q, "name");
                    String version = required(q, "version");
                    deployer.activateOnProbation(name, version, probation)
                            .thenAccept(o -> lastProbation = o);
                    reply(
                            exchange,
                            200,
                            Map.of(
                                    "active",
                                    name + "@" + version,
                                    "probation",
                                    "watching for " + probation.window().toSeconds() + " s"));
                }
                case "rollback" -> {
                    InstalledModel m = deployer.rollback(required(q, "name"));
                    reply(exchange, 200, Map.of("active", m.id()));
                }
                default ->
                        reply(
                                exchange,
                                404,
                                Map.of("error", "NOT_FOUND", "message", "no action " + action));
            }
        } catch (IllegalArgumentException e) {
            reply(exchange, 400, Map.of("error", "BAD_REQUEST", "message", e.getMessage()));
        } catch (BundleException e) {
            reply(exchange, 409, Map.of("error", e.reason().name(), "message", e.getMessage()));
        } catch (RuntimeException e) {
            Logger.error(e, "Admin API: {} failed", action);
            reply(
                    exchange,
                    500,
                    Map.of("error", "INTERNAL", "message", String.valueOf(e.getMessage())));
        }
    }

    private static String required(Map<String, String> q, String key) {
        String v = q.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("missing query parameter '" + key + "'");
        }
        return v;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                q.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return q;
    }

    private static void reply(HttpExchange exchange, int code, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
