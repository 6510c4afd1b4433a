package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.modelkit.ModelKitVersion;
import dev.edgetwin.runtime.bundle.BundleException;
import dev.edgetwin.runtime.bundle.BundleLimits;
import dev.edgetwin.runtime.bundle.BundleManifest;
import dev.edgetwin.runtime.bundle.BundlePacker;
import dev.edgetwin.runtime.bundle.BundleReader;
import dev.edgetwin.runtime.bundle.BundleSignature;
import dev.edgetwin.runtime.bundle.InstalledModel;
import dev.edgetwin.runtime.bundle.ManifestDrafts;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.VerifiedBundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The technician's model lifecycle: {@code edgetwin models pack | verify | install | list |
 * activate | rollback}. Bundles are described in docs/model-bundles.md.
 */
final class ModelLifecycleCommands {
    private ModelLifecycleCommands() {}

    /** Prints a refusal the same way for every command: the command, the reason, the message. */
    static int refuse(PrintWriter err, String command, BundleException e) {
        err.printf("edgetwin models %s: refused (%s): %s%n", command, e.reason(), e.getMessage());
        err.flush();
        return 1;
    }

    @Command(
            name = "pack",
            mixinStandardHelpOptions = true,
            description =
                    "Builds a bundle from an ONNX model: the manifest (contract, class names, input"
                            + " size and precision read from the model), signed when --key is given.")
    static final class Pack implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model.")
        Path model;

        @Option(
                names = "--name",
                required = true,
                description = "The model's name, e.g. floor-detector.")
        String name;

        @Option(names = "--version", required = true, description = "Its version, e.g. 1.4.0.")
        String version;

        @Option(
                names = "--role",
                defaultValue = "detector",
                description = "detector or trajectory_scorer. Default: ${DEFAULT-VALUE}.")
        String role;

        @Option(
                names = "--min-runtime",
                description = "The oldest edgetwin that may run it. Default: this one's version.")
        String minRuntime;

        @Option(names = "--description", defaultValue = "", description = "Free text.")
        String description;

        @Option(
                names = "--profile",
                paramLabel = "ID",
                description = "Device profiles it is for (repeatable; none: any device).")
        List<String> profiles = new ArrayList<>();

        @Option(names = "--confidence", description = "Detector confidence threshold (0-1).")
        Double confidence;

        @Option(names = "--iou", description = "Detector NMS IoU threshold (0-1).")
        Double iou;

        @Option(names = "--layout", description = "auto, yolov8, yolov5 or end-to-end.")
        String layout;

        @Option(names = "--key", paramLabel = "FILE", description = "Private key to sign with.")
        Path key;

        @Option(
                names = "--public-key",
                paramLabel = "FILE",
                description = "Its public key. Default: the key's path with .pub for .key.")
        Path publicKey;

        @Option(
                names = {"-o", "--output"},
                required = true,
                paramLabel = "FILE",
                description = "The bundle to write.")
        Path output;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String runtime =
                    minRuntime != null
                            ? minRuntime
                            : ModelKitVersion.VERSION.replaceFirst("-.*", "");
            try {
                var draft =
                        ManifestDrafts.draft(
                                new ManifestDrafts.Request(
                                        model,
                                        name,
                                        version,
                                        role,
                                        runtime,
                                        description,
                                        profiles,
                                        confidence,
                                        iou,
                                        layout));
                BundleManifest manifest = draft.getKey();
                BundleSignature signature = null;
                if (key != null) {
                    signature = KeysCommand.signature(manifest.toJson(), key, publicKey);
                }
                BundlePacker.write(manifest, signature, draft.getValue(), output);
                out.printf(
                        "%s: %s@%s (%s, %d file(s), %s)%n",
                        output,
                        manifest.name(),
                        manifest.version(),
                        manifest.role(),
                        manifest.files().size(),
                        signature == null
                                ? "unsigned: sign it with `edgetwin keys sign`"
                                : "signed by key " + signature.keyId());
                out.flush();
                return 0;
            } catch (BundleException e) {
                return refuse(err, "pack", e);
            } catch (IOException | IllegalArgumentException e) {
                err.printf("edgetwin models pack: %s%n", e.getMessage());
                return 2;
            }
        }
    }

    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            description =
                    "Checks a bundle as install would (signature against the trust store, hashes,"
                            + " sizes, paths, limits) without installing it. Exit 1 when refused.")
    static final class Verify implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "BUNDLE")
        Path bundle;

        @Mixin StoreOptions store;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path staging = Files.createTempDirectory("edgetwin-verify-");
            try {
                VerifiedBundle v =
                        new BundleReader(BundleLimits.defaults())
                                .read(bundle, staging, store.trustStore());
                BundleManifest m = v.manifest();
                out.printf(
                        "%s: OK: %s@%s (%s), signed by trusted key %s, %d file(s) verified%n",
                        bundle, m.name(), m.version(), m.role(), v.keyId(), m.files().size());
                out.flush();
                return 0;
            } catch (BundleException e) {
                return refuse(spec.commandLine().getErr(), "verify", e);
            } finally {
                deleteTree(staging);
            }
        }
    }

    @Command(
            name = "install",
            mixinStandardHelpOptions = true,
            description =
                    "Verifies a bundle and adds it to the model store (not activated; see activate).")
    static final class Install implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "BUNDLE")
        Path bundle;

        @Option(
                names = "--allow-downgrade",
                description = "Install even when a newer version of the model is installed.")
        boolean allowDowngrade;

        @Option(names = "--activate", description = "Activate it once installed.")
        boolean activate;

        @Mixin StoreOptions store;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                ModelStore s = store.open();
                ModelStore.InstallResult r = s.install(bundle, allowDowngrade);
                out.printf(
                        "%s %s (signed by key %s) in %s%n",
                        r.alreadyInstalled() ? "already installed:" : "installed",
                        r.model().id(),
                        r.model().keyId(),
                        r.model().directory());
                if (activate) {
                    InstalledModel a = s.activate(r.model().name(), r.model().version());
                    out.printf("active: %s%n", a.id());
                }
                out.flush();
                return 0;
            } catch (BundleException e) {
                return refuse(spec.commandLine().getErr(), "install", e);
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Installed models, their versions, and which one is active.")
    static final class ListModels implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Mixin StoreOptions store;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try {
                List<InstalledModel> models = store.open().list();
                if (json) {
                    List<Map<String, Object>> doc = new ArrayList<>();
                    for (InstalledModel m : models) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", m.name());
                        row.put("version", m.version());
                        row.put("role", m.manifest().role());
                        row.put("active", m.active());
                        row.put("keyId", m.keyId());
                        row.put("model", m.modelFile().toString());
                        doc.add(row);
                    }
                    out.println(
                            new ObjectMapper()
                                    .enable(SerializationFeature.INDENT_OUTPUT)
                                    .writeValueAsString(doc));
                } else if (models.isEmpty()) {
                    out.printf("no models installed in %s%n", store.storeDirectory());
                } else {
                    out.printf("%-2s %-28s %-12s %-18s %s%n", "", "name", "version", "role", "key");
                    for (InstalledModel m : models) {
                        out.printf(
                                "%-2s %-28s %-12s %-18s %s%n",
                                m.active() ? "*" : "",
                                m.name(),
                                m.version(),
                                m.manifest().role(),
                                m.keyId());
                    }
                }
                out.flush();
                return 0;
            } catch (BundleException e) {
                return refuse(spec.commandLine().getErr(), "list", e);
            }
        }
    }

    @Command(
            name = "activate",
            mixinStandardHelpOptions = true,
            description =
                    "Makes NAME@VERSION the active version (its files and signature checked again).")
    static final class Activate implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME@VERSION")
        String target;

        @Mixin StoreOptions store;

        @Mixin AdminClient admin;

        @Override
        public Integer call() throws Exception {
            int at = target.lastIndexOf('@');
            if (at <= 0 || at == target.length() - 1) {
                spec.commandLine()
                        .getErr()
                        .printf(
                                "edgetwin models activate: expected NAME@VERSION, got '%s'%n",
                                target);
                return 2;
            }
            var viaDaemon =
                    admin.call(
                            "POST",
                            "/models/activate",
                            Map.of(
                                    "name",
                                    target.substring(0, at),
                                    "version",
                                    target.substring(at + 1)));
            if (viaDaemon.isPresent()) {
                return daemonReply(spec, "activate", viaDaemon.get());
            }
            try {
                InstalledModel m =
                        store.open().activate(target.substring(0, at), target.substring(at + 1));
                spec.commandLine().getOut().printf("active: %s%n", m.id());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (BundleException e) {
                return refuse(spec.commandLine().getErr(), "activate", e);
            }
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Activates the version of NAME that was active before the current one.")
    static final class Rollback implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Mixin StoreOptions store;

        @Mixin AdminClient admin;

        @Override
        public Integer call() throws Exception {
            var viaDaemon = admin.call("POST", "/models/rollback", Map.of("name", name));
            if (viaDaemon.isPresent()) {
                return daemonReply(spec, "rollback", viaDaemon.get());
            }
            try {
                InstalledModel m = store.open().rollback(name);
                spec.commandLine().getOut().printf("active: %s%n", m.id());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (BundleException e) {
                return refuse(spec.commandLine().getErr(), "rollback", e);
            }
        }
    }

    /**
     * A running daemon carried the command out (swap between frames, probation): print its reply.
     */
    static int daemonReply(
            CommandLine.Model.CommandSpec spec, String command, AdminClient.Reply reply) {
        if (reply.status() == 200) {
            spec.commandLine().getOut().println("the running daemon: " + reply.body());
            spec.commandLine().getOut().flush();
            return 0;
        }
        spec.commandLine()
                .getErr()
                .printf(
                        "edgetwin models %s: the running daemon refused: %s%n",
                        command, reply.body());
        spec.commandLine().getErr().flush();
        return 1;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
