package dev.edgetwin.runtime.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.edgetwin.runtime.twin.CommandVerdict;
import dev.edgetwin.runtime.twin.ModelCommandListener;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.tinylog.Logger;

/**
 * The model commands of {@code edgetwin/<site>/<robot>/model/command} (docs/twin-protocol.md,
 * "Model commands"), carried out on the running daemon: {@code install} (a bundle already on the
 * device), {@code bundle-chunk} (a bundle sent in chunks, {@link BundleTransfer}), {@code activate}
 * (on probation, through the {@link ModelDeployer}) and {@code rollback}. Every bundle goes through
 * {@link ModelStore#install}: signed by a trusted key, as always.
 *
 * <p>Threads: {@link #onModelCommand} on the MQTT client's thread only parses nothing and hands the
 * bytes to the {@code model-commands} thread through a bounded queue (full: answered {@code
 * unavailable}); that thread parses, carries out and answers, one command at a time, and drops a
 * transfer whose chunks stopped coming. {@link #close()} once from the owner.
 */
public final class RemoteModelCommands implements ModelCommandListener, AutoCloseable {
    /** The schema a sender may name. */
    public static final String SCHEMA = "edgetwin/model-command/1";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    private static final int QUEUE = 64;
    private static final Map<String, Set<String>> FIELDS =
            Map.of(
                    "install", Set.of("path", "allowDowngrade", "activate"),
                    "bundle-chunk",
                            Set.of(
                                    "transfer",
                                    "index",
                                    "count",
                                    "size",
                                    "sha256",
                                    "chunkSha256",
                                    "data",
                                    "allowDowngrade",
                                    "activate"),
                    "activate", Set.of("name", "version"),
                    "rollback", Set.of("name"));
    private static final List<String> NAMES =
            List.of("install", "bundle-chunk", "activate", "rollback");
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final ModelStore store;
    private final ModelDeployer deployer;
    private final ModelDeployer.Probation probation;
    private final BundleTransfer transfer;
    private final int maxPayloadBytes;
    private final ArrayBlockingQueue<Runnable> work = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Starts the {@code model-commands} thread.
     *
     * @param deployer the daemon's deployer (shared with the admin API, so activations are
     *     serialised)
     */
    public RemoteModelCommands(
            ModelStore store,
            ModelDeployer deployer,
            ModelDeployer.Probation probation,
            BundleTransfer.Limits limits) {
        this.store = store;
        this.deployer = deployer;
        this.probation = probation;
        this.transfer = new BundleTransfer(store, limits, System::nanoTime);
        // base64 of the largest chunk plus room for the other fields
        this.maxPayloadBytes = (limits.maxChunkBytes() + 2) / 3 * 4 + 4096;
        this.thread = new Thread(this::run, "model-commands");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public void onModelCommand(byte[] payload, Consumer<ModelCommandReply> reply) {
        if (!running || !work.offer(() -> reply.accept(handle(payload)))) {
            reply.accept(
                    ModelCommandReply.of(
                            null,
                            null,
                            CommandVerdict.unavailable(
                                    "the robot is busy with "
                                            + QUEUE
                                            + " model commands; send this one again later")));
        }
    }

    private void run() {
        while (running) {
            try {
                Runnable next = work.poll(1, TimeUnit.SECONDS);
                if (next != null) {
                    next.run();
                }
                BundleException expired = transfer.expire();
                if (expired != null) {
                    Logger.warn(expired.getMessage());
                    store.report(
                            ModelTransition.refused(
                                    ModelTransition.Kind.INSTALL_REFUSED, null, null, expired));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                Logger.error(e, "Model command worker: {}", e.getMessage());
            }
        }
    }

    /** Parses, carries out and answers one command; never throws. */
    ModelCommandReply handle(byte[] payload) {
        String id = null;
        String command = null;
        try {
            if (payload.length > maxPayloadBytes) {
                throw new Invalid(
                        "a model command is at most "
                                + maxPayloadBytes
                                + " bytes, got "
                                + payload.length);
            }
            JsonNode root;
            try {
                String text =
                        StandardCharsets.UTF_8
                                .newDecoder()
                                .onMalformedInput(CodingErrorAction.REPORT)
                                .decode(java.nio.ByteBuffer.wrap(payload))
                                .toString();
                root = JSON.readTree(text);
            } catch (CharacterCodingException e) {
                throw new Invalid("not UTF-8 text");
            } catch (JsonProcessingException e) {
                throw new Invalid("not JSON: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw new Invalid("a model command is a JSON object");
            }
            JsonNode idNode = root.get("id");
            if (idNode != null && idNode.isTextual() && ID.matcher(idNode.asText()).matches()) {
                id = idNode.asText();
            }
            JsonNode commandNode = root.get("command");
            if (commandNode != null
                    && commandNode.isTextual()
                    && NAMES.contains(commandNode.asText())) {
                command = commandNode.asText();
            }
            JsonNode schema = root.get("schema");
            if (schema != null && !(schema.isTextual() && schema.asText().equals(SCHEMA))) {
                throw new Invalid("'schema' must be '" + SCHEMA + "' if given");
            }
            if (id == null) {
                throw new Invalid(
                        "missing or bad 'id': 1-64 letters, digits, '_', '.', ':' or '-'");
            }
            if (command == null) {
                throw new Invalid(
                        "missing or unknown 'command'; known: " + String.join(", ", NAMES));
            }
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("schema")
                        && !f.equals("id")
                        && !f.equals("command")
                        && !FIELDS.get(command).contains(f)) {
                    throw new Invalid(
                            "unknown field '"
                                    + (f.length() > 64 ? f.substring(0, 64) + "..." : f)
                                    + "' for "
                                    + command
                                    + "; allowed: "
                                    + FIELDS.get(command));
                }
            }
            return switch (command) {
                case "install" -> install(id, root);
                case "bundle-chunk" -> chunk(id, root);
                case "activate" -> activate(id, text(root, "name"), text(root, "version"));
                default -> rollback(id, text(root, "name"));
            };
        } catch (Invalid e) {
            return refusal(id, command, "BAD_COMMAND", e.getMessage(), null);
        } catch (BundleException e) {
            return refusal(id, command, e.reason().name(), e.getMessage(), null);
        } catch (RuntimeException e) {
            Logger.error(e, "Model command {} ({}) failed", command, id);
            return new ModelCommandReply(
                    id,
                    command,
                    CommandVerdict.unavailable(
                            "the model command failed on the robot: " + e.getMessage()),
                    "INTERNAL",
                    null,
                    0,
                    0,
                    null,
                    System.currentTimeMillis());
        }
    }

    private ModelCommandReply install(String id, JsonNode root) throws Invalid, BundleException {
        Path path = Path.of(text(root, "path"));
        if (!path.isAbsolute()) {
            throw new Invalid("'path' must be an absolute path on the robot, got '" + path + "'");
        }
        boolean allowDowngrade = flag(root, "allowDowngrade");
        boolean activate = flag(root, "activate");
        ModelStore.InstallResult r = store.install(path, allowDowngrade);
        return installed(id, "install", r, activate, null, 0);
    }

    private ModelCommandReply chunk(String id, JsonNode root) throws Invalid, BundleException {
        String transferId = text(root, "transfer");
        String data = text(root, "data");
        boolean allowDowngrade = flag(root, "allowDowngrade");
        boolean activate = flag(root, "activate");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            throw new Invalid("'data' is not base64: " + e.getMessage());
        }
        BundleTransfer.Progress p;
        try {
            p =
                    transfer.accept(
                            transferId,
                            integer(root, "index"),
                            integer(root, "count"),
                            integer(root, "size"),
                            text(root, "sha256"),
                            text(root, "chunkSha256"),
                            bytes);
        } catch (BundleException e) {
            return refusal(id, "bundle-chunk", e.reason().name(), e.getMessage(), transferId);
        }
        if (p.bundle() == null) {
            return new ModelCommandReply(
                    id,
                    "bundle-chunk",
                    CommandVerdict.accepted(),
                    null,
                    p.transfer(),
                    p.received(),
                    p.count(),
                    null,
                    System.currentTimeMillis());
        }
        try {
            ModelStore.InstallResult r = store.install(p.bundle(), allowDowngrade);
            return installed(id, "bundle-chunk", r, activate, p.transfer(), p.count());
        } catch (BundleException e) {
            return new ModelCommandReply(
                    id,
                    "bundle-chunk",
                    CommandVerdict.rejected(e.getMessage()),
                    e.reason().name(),
                    p.transfer(),
                    p.count(),
                    p.count(),
                    null,
                    System.currentTimeMillis());
        } finally {
            transfer.finish();
        }
    }

    private ModelCommandReply installed(
            String id,
            String command,
            ModelStore.InstallResult r,
            boolean activate,
            String transferId,
            int count)
            throws BundleException {
        String model = r.model().id();
        if (activate) {
            deployer.activateOnProbation(r.model().name(), r.model().version(), probation);
        }
        return new ModelCommandReply(
                id,
                command,
                CommandVerdict.accepted(),
                null,
                transferId,
                count,
                count,
                model,
                System.currentTimeMillis());
    }

    private ModelCommandReply activate(String id, String name, String version)
            throws BundleException {
        deployer.activateOnProbation(name, version, probation);
        return new ModelCommandReply(
                id,
                "activate",
                CommandVerdict.accepted(),
                null,
                null,
                0,
                0,
                name + "@" + version,
                System.currentTimeMillis());
    }

    private ModelCommandReply rollback(String id, String name) throws BundleException {
        InstalledModel m = deployer.rollback(name);
        return new ModelCommandReply(
                id,
                "rollback",
                CommandVerdict.accepted(),
                null,
                null,
                0,
                0,
                m.id(),
                System.currentTimeMillis());
    }

    private static ModelCommandReply refusal(
            String id, String command, String code, String message, String transferId) {
        Logger.info("Model command {} ({}) refused ({}): {}", command, id, code, message);
        return new ModelCommandReply(
                id,
                command,
                CommandVerdict.rejected(message),
                code,
                transferId,
                0,
                0,
                null,
                System.currentTimeMillis());
    }

    private static String text(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null) {
            throw new Invalid("missing '" + field + "': a string");
        }
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw new Invalid("'" + field + "' must be a non-empty string");
        }
        return n.asText();
    }

    private static int integer(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null) {
            throw new Invalid("missing '" + field + "': an integer");
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new Invalid("'" + field + "' must be an integer, got " + n);
        }
        return n.asInt();
    }

    private static boolean flag(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null) {
            return false;
        }
        if (!n.isBoolean()) {
            throw new Invalid("'" + field + "' must be true or false, got " + n);
        }
        return n.asBoolean();
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transfer.close();
    }

    /** A malformed command; the reply names what was wrong. */
    private static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
