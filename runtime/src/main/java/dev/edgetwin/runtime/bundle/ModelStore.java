package dev.edgetwin.runtime.bundle;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.tinylog.Logger;

/**
 * The device's models on disk: {@code <root>/<name>/<version>/} per installed version (the bundle
 * as verified: manifest, signature, {@code files/}), and {@code <root>/<name>/active}, a small JSON
 * file naming the active version and the ones active before it (for rollback).
 *
 * <p>Crash safety comes from the file system's atomic rename alone: a bundle is unpacked and
 * verified in {@code <root>/.staging/}, forced to disk, then renamed to its version folder; the
 * active pointer is written to a temporary file, forced, renamed over the old one, and the folder
 * is forced. Killed at any point, the store holds the old state or the new one, plus staging
 * leftovers that {@link #open} deletes.
 */
public final class ModelStore {
    private static final String STAGING = ".staging";
    private static final String ACTIVE = "active";
    private static final String CHECKED = "child-check-passed";
    private static final String ACTIVE_TEMPORARY_PREFIX = ".active-";
    private static final int HISTORY = 8;
    private static final ObjectMapper JSON =
            JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    /**
     * Told of each step of an install or an activation as it is reached (for progress reports, and
     * for the crash tests that kill the process at each one).
     */
    public interface StepListener {
        void reached(String step);
    }

    /** The active pointer's content. */
    @JsonPropertyOrder({"version", "history"})
    record ActivePointer(String version, List<String> history) {}

    /** What {@link #install} did. */
    public record InstallResult(InstalledModel model, boolean alreadyInstalled) {}

    private final Path root;
    private final TrustStore trust;
    private final BundleLimits limits;
    private final ModelVersion runtimeVersion;
    private final StepListener steps;
    private volatile ModelTransition.Listener transitions = ModelTransition.Listener.NONE;

    private ModelStore(
            Path root,
            TrustStore trust,
            BundleLimits limits,
            ModelVersion runtimeVersion,
            StepListener steps) {
        this.root = root;
        this.trust = trust;
        this.limits = limits;
        this.runtimeVersion = runtimeVersion;
        this.steps = steps;
    }

    /** Opens (creating) the store and deletes what an interrupted install or activation left. */
    public static ModelStore open(Path root, TrustStore trust, String runtimeVersion)
            throws BundleException {
        return open(root, trust, BundleLimits.defaults(), runtimeVersion, step -> {});
    }

    /**
     * As {@link #open(Path, TrustStore, String)} with explicit limits and a step listener.
     *
     * @param runtimeVersion this runtime's version, checked against bundles' minRuntimeVersion
     */
    public static ModelStore open(
            Path root,
            TrustStore trust,
            BundleLimits limits,
            String runtimeVersion,
            StepListener steps)
            throws BundleException {
        // A development build (0.1.0-SNAPSHOT) runs what the release it becomes runs.
        ModelVersion runtime = ModelVersion.parse(runtimeVersion);
        ModelStore store =
                new ModelStore(root, trust, limits, new ModelVersion(runtime.numbers(), ""), steps);
        try {
            Files.createDirectories(root);
            store.recover();
        } catch (IOException e) {
            throw new BundleException(
                    Reason.STORE_IO, "cannot open the model store " + root + ": " + e, e);
        }
        return store;
    }

    public Path root() {
        return root;
    }

    public TrustStore trust() {
        return trust;
    }

    /**
     * Reports every install, activation and rollback, and every refusal of one, to {@code listener}
     * from now on (the running daemon publishes them to the twin); replaces the previous listener.
     */
    public void reportTransitionsTo(ModelTransition.Listener listener) {
        transitions = java.util.Objects.requireNonNull(listener, "listener");
    }

    /**
     * The store's staging area, where unfinished work lives ({@link #open} deletes what is left
     * there): installs, and bundles arriving in chunks ({@link BundleTransfer}).
     */
    Path stagingArea() throws IOException {
        // One folder per process: a CLI opening the store while the daemon installs must not
        // sweep the daemon's work, only that of processes that are gone.
        return Files.createDirectories(
                root.resolve(STAGING).resolve(Long.toString(ProcessHandle.current().pid())));
    }

    /** Tells the listener; a listener that throws does not undo what the store did. */
    void report(ModelTransition transition) {
        try {
            transitions.onTransition(transition);
        } catch (RuntimeException e) {
            Logger.warn(e, "Reporting the model transition {} failed", transition);
        }
    }

    /**
     * Verifies a bundle and adds it as a new version (not activated).
     *
     * @param allowDowngrade install even when a newer version of the same name is installed
     * @throws BundleException naming the check that refused it; the store is unchanged
     */
    public InstallResult install(Path bundle, boolean allowDowngrade) throws BundleException {
        String[] nameAndVersion = new String[2];
        try {
            InstallResult result = install(bundle, allowDowngrade, nameAndVersion);
            if (!result.alreadyInstalled()) {
                report(
                        ModelTransition.of(
                                ModelTransition.Kind.INSTALLED,
                                result.model().name(),
                                result.model().version(),
                                null,
                                "installed "
                                        + result.model().id()
                                        + " from "
                                        + bundle.getFileName()));
            }
            return result;
        } catch (BundleException e) {
            report(
                    ModelTransition.refused(
                            ModelTransition.Kind.INSTALL_REFUSED,
                            nameAndVersion[0],
                            nameAndVersion[1],
                            e));
            throw e;
        }
    }

    /** {@link #install(Path, boolean)}; fills in the name and version once they are known. */
    private InstallResult install(Path bundle, boolean allowDowngrade, String[] nameAndVersion)
            throws BundleException {
        Path staging;
        try {
            staging = Files.createTempDirectory(stagingArea(), "install-");
        } catch (IOException e) {
            throw io("cannot create a staging folder in " + root, e);
        }
        try {
            steps.reached("install.staging-created");
            VerifiedBundle verified = new BundleReader(limits).read(bundle, staging, trust);
            steps.reached("install.unpacked");
            BundleManifest m = verified.manifest();
            nameAndVersion[0] = m.name();
            nameAndVersion[1] = m.version();
            ModelVersion needed = ModelVersion.parse(m.minRuntimeVersion());
            if (needed.compareTo(runtimeVersion) > 0) {
                throw new BundleException(
                        Reason.RUNTIME_TOO_OLD,
                        m.name()
                                + "@"
                                + m.version()
                                + " needs edgetwin "
                                + m.minRuntimeVersion()
                                + " or newer, this is "
                                + runtimeVersion);
            }
            Path target = versionDirectory(m.name(), m.version());
            if (Files.isDirectory(target)) {
                byte[] installed = Files.readAllBytes(target.resolve(VerifiedBundle.MANIFEST));
                byte[] offered = Files.readAllBytes(staging.resolve(VerifiedBundle.MANIFEST));
                if (java.util.Arrays.equals(installed, offered)) {
                    return new InstallResult(describe(m.name(), m.version()), true);
                }
                throw new BundleException(
                        Reason.VERSION_CONFLICT,
                        m.name()
                                + "@"
                                + m.version()
                                + " is installed already with other content; give the bundle a"
                                + " new version");
            }
            Optional<ModelVersion> newest = newestInstalled(m.name());
            if (!allowDowngrade
                    && newest.isPresent()
                    && m.parsedVersion().compareTo(newest.get()) < 0) {
                throw new BundleException(
                        Reason.DOWNGRADE,
                        m.name()
                                + "@"
                                + m.version()
                                + " is older than the installed "
                                + m.name()
                                + "@"
                                + newest.get()
                                + "; install it anyway with --allow-downgrade");
            }
            forceTree(staging);
            steps.reached("install.synced");
            Files.createDirectories(target.getParent());
            force(root);
            steps.reached("install.name-folder-created");
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            steps.reached("install.renamed");
            force(target.getParent());
            steps.reached("install.done");
            Logger.info(
                    "model store: installed {}@{} (signed by key {})",
                    m.name(),
                    m.version(),
                    verified.keyId());
            return new InstallResult(describe(m.name(), m.version()), false);
        } catch (IOException e) {
            throw io("cannot install " + bundle + " into " + root, e);
        } finally {
            deleteTree(staging);
        }
    }

    /**
     * Makes {@code name@version} the active version, after checking its files again (hashes and
     * signature: a file changed at rest, or a key no longer trusted, refuses it).
     */
    public InstalledModel activate(String name, String version) throws BundleException {
        try {
            return activateAndReport(name, version);
        } catch (BundleException e) {
            report(
                    ModelTransition.refused(
                            ModelTransition.Kind.ACTIVATION_REFUSED, name, version, e));
            throw e;
        }
    }

    private InstalledModel activateAndReport(String name, String version) throws BundleException {
        InstalledModel model = verifyInstalled(name, version);
        Optional<ActivePointer> current = pointer(name);
        List<String> history = new ArrayList<>();
        if (current.isPresent()) {
            if (current.get().version().equals(version)) {
                return model;
            }
            history.add(current.get().version());
            history.addAll(current.get().history());
        }
        history.remove(version);
        writePointer(name, new ActivePointer(version, trim(history)));
        Logger.info(
                "model store: activated {}@{} (was {})",
                name,
                version,
                current.map(ActivePointer::version).orElse("none"));
        String from = current.map(ActivePointer::version).orElse(null);
        report(
                ModelTransition.of(
                        ModelTransition.Kind.ACTIVATED,
                        name,
                        version,
                        from,
                        name
                                + "@"
                                + version
                                + " is active"
                                + (from == null ? "" : ", was " + from)));
        return describe(name, version);
    }

    /**
     * Activates the version that was active before the current one.
     *
     * @return the version now active
     */
    public InstalledModel rollback(String name) throws BundleException {
        try {
            return rollbackAndReport(name);
        } catch (BundleException e) {
            report(ModelTransition.refused(ModelTransition.Kind.ROLLBACK_REFUSED, name, null, e));
            throw e;
        }
    }

    private InstalledModel rollbackAndReport(String name) throws BundleException {
        ActivePointer current =
                pointer(name)
                        .orElseThrow(
                                () ->
                                        new BundleException(
                                                Reason.NOT_INSTALLED,
                                                name + " has no active version to roll back"));
        List<String> history = new ArrayList<>(current.history());
        while (!history.isEmpty()) {
            String previous = history.remove(0);
            if (!Files.isDirectory(versionDirectory(name, previous))) {
                continue;
            }
            verifyInstalled(name, previous);
            writePointer(name, new ActivePointer(previous, trim(history)));
            Logger.info(
                    "model store: rolled {} back from {} to {}", name, current.version(), previous);
            report(
                    ModelTransition.of(
                            ModelTransition.Kind.ROLLED_BACK,
                            name,
                            previous,
                            current.version(),
                            name + " rolled back from " + current.version() + " to " + previous));
            return describe(name, previous);
        }
        throw new BundleException(
                Reason.NOT_INSTALLED,
                name + "@" + current.version() + " is active and nothing was active before it");
    }

    /** Whether {@code name@version} passed its first load in a child JVM ({@link #markChecked}). */
    public boolean isChecked(String name, String version) throws BundleException {
        return Files.isRegularFile(versionDirectory(name, version).resolve(CHECKED));
    }

    /** Records that {@code name@version} passed its first load and golden inference. */
    public void markChecked(String name, String version) throws BundleException {
        Path dir = versionDirectory(name, version);
        try {
            Files.writeString(dir.resolve(CHECKED), "passed\n");
            force(dir);
        } catch (IOException e) {
            throw io("cannot record the check of " + name + "@" + version, e);
        }
    }

    /** The version {@link #rollback} would activate, if any. */
    public Optional<InstalledModel> previous(String name) throws BundleException {
        Optional<ActivePointer> p = pointer(name);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        for (String v : p.get().history()) {
            if (Files.isDirectory(versionDirectory(name, v))) {
                return Optional.of(describe(name, v));
            }
        }
        return Optional.empty();
    }

    /** The active version of {@code name}, if one is. */
    public Optional<InstalledModel> active(String name) throws BundleException {
        Optional<ActivePointer> p = pointer(name);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(describe(name, p.get().version()));
    }

    /** Every installed version, by name then version. */
    public List<InstalledModel> list() throws BundleException {
        List<InstalledModel> all = new ArrayList<>();
        for (String name : names()) {
            for (ModelVersion v : versions(name)) {
                all.add(describe(name, v.toString()));
            }
        }
        return all;
    }

    /** The active model of each name whose role is {@code role}. */
    public List<InstalledModel> activeByRole(String role) throws BundleException {
        List<InstalledModel> found = new ArrayList<>();
        for (String name : names()) {
            Optional<InstalledModel> a = active(name);
            if (a.isPresent() && a.get().manifest().role().equals(role)) {
                found.add(a.get());
            }
        }
        return found;
    }

    /**
     * Re-checks an installed version: the signature with today's trust store, and every file's size
     * and hash.
     */
    public InstalledModel verifyInstalled(String name, String version) throws BundleException {
        Path dir = versionDirectory(name, version);
        if (!Files.isDirectory(dir)) {
            throw new BundleException(
                    Reason.NOT_INSTALLED, name + "@" + version + " is not installed in " + root);
        }
        try {
            byte[] manifestBytes = Files.readAllBytes(dir.resolve(VerifiedBundle.MANIFEST));
            BundleSignature signature =
                    BundleSignature.parse(
                            Files.readAllBytes(dir.resolve(VerifiedBundle.SIGNATURE)));
            var key =
                    trust.find(signature.keyId())
                            .orElseThrow(
                                    () ->
                                            new BundleException(
                                                    Reason.UNTRUSTED_KEY,
                                                    name
                                                            + "@"
                                                            + version
                                                            + " is signed by key "
                                                            + signature.keyId()
                                                            + ", no longer trusted"));
            if (!SigningKeys.verify(key, manifestBytes, signature.signatureBytes())) {
                throw new BundleException(
                        Reason.BAD_SIGNATURE,
                        name + "@" + version + ": the installed manifest no longer verifies");
            }
            BundleManifest m = BundleManifest.parse(manifestBytes);
            for (BundleManifest.FileEntry f : m.files()) {
                Path file = dir.resolve("files").resolve(f.path());
                if (!Files.isRegularFile(file)) {
                    throw new BundleException(
                            Reason.MISSING_FILE,
                            name + "@" + version + ": " + f.path() + " is gone");
                }
                if (Files.size(file) != f.size() || !BundlePacker.sha256(file).equals(f.sha256())) {
                    throw new BundleException(
                            Reason.HASH_MISMATCH,
                            name
                                    + "@"
                                    + version
                                    + ": "
                                    + f.path()
                                    + " changed since it was installed");
                }
            }
            return describe(name, version);
        } catch (IOException e) {
            throw io("cannot read " + dir, e);
        }
    }

    private InstalledModel describe(String name, String version) throws BundleException {
        Path dir = versionDirectory(name, version);
        try {
            BundleManifest m =
                    BundleManifest.parse(Files.readAllBytes(dir.resolve(VerifiedBundle.MANIFEST)));
            BundleSignature s =
                    BundleSignature.parse(
                            Files.readAllBytes(dir.resolve(VerifiedBundle.SIGNATURE)));
            boolean active = pointer(name).map(p -> p.version().equals(version)).orElse(false);
            return new InstalledModel(m, dir, s.keyId(), active);
        } catch (IOException e) {
            throw io("cannot read " + dir, e);
        }
    }

    private Optional<ActivePointer> pointer(String name) throws BundleException {
        Path file = nameDirectory(name).resolve(ACTIVE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            ActivePointer p = JSON.readValue(file.toFile(), ActivePointer.class);
            if (p == null || !ModelVersion.isValid(p.version()) || p.history() == null) {
                throw new BundleException(Reason.STORE_IO, file + " is not an active pointer");
            }
            return Optional.of(p);
        } catch (IOException e) {
            throw io("cannot read " + file, e);
        }
    }

    private void writePointer(String name, ActivePointer pointer) throws BundleException {
        Path dir = nameDirectory(name);
        Path temporary = null;
        try {
            temporary = Files.createTempFile(dir, ACTIVE_TEMPORARY_PREFIX, ".tmp");
            steps.reached("activate.temporary-created");
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                out.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(pointer)));
                steps.reached("activate.written");
                out.force(true);
            }
            steps.reached("activate.synced");
            try {
                Files.move(
                        temporary,
                        dir.resolve(ACTIVE),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw io("the file system of " + dir + " cannot rename atomically", e);
            }
            steps.reached("activate.renamed");
            force(dir);
            steps.reached("activate.done");
        } catch (IOException e) {
            throw io("cannot switch the active version of " + name, e);
        } finally {
            if (temporary != null) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // open() sweeps leftovers.
                }
            }
        }
    }

    private List<String> names() throws BundleException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String n = d.getFileName().toString();
                if (!n.startsWith(".") && Files.isDirectory(d)) {
                    names.add(n);
                }
            }
        } catch (IOException e) {
            throw io("cannot list " + root, e);
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    private List<ModelVersion> versions(String name) throws BundleException {
        List<ModelVersion> versions = new ArrayList<>();
        Path dir = nameDirectory(name);
        if (!Files.isDirectory(dir)) {
            return versions;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
            for (Path d : dirs) {
                String v = d.getFileName().toString();
                if (Files.isDirectory(d) && ModelVersion.isValid(v)) {
                    versions.add(ModelVersion.parse(v));
                }
            }
        } catch (IOException e) {
            throw io("cannot list " + dir, e);
        }
        versions.sort(Comparator.naturalOrder());
        return versions;
    }

    private Optional<ModelVersion> newestInstalled(String name) throws BundleException {
        List<ModelVersion> v = versions(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    private Path nameDirectory(String name) {
        return root.resolve(name);
    }

    private Path versionDirectory(String name, String version) throws BundleException {
        if (!ModelVersion.isValid(version)) {
            throw new BundleException(Reason.NOT_INSTALLED, "not a version: '" + version + "'");
        }
        if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new BundleException(Reason.NOT_INSTALLED, "not a model name: '" + name + "'");
        }
        return root.resolve(name).resolve(version);
    }

    private void recover() throws IOException {
        Path staging = root.resolve(STAGING);
        if (Files.isDirectory(staging)) {
            try (DirectoryStream<Path> owners = Files.newDirectoryStream(staging)) {
                for (Path owner : owners) {
                    String name = owner.getFileName().toString();
                    boolean alive =
                            name.matches("[0-9]{1,18}")
                                    && ProcessHandle.of(Long.parseLong(name))
                                            .map(ProcessHandle::isAlive)
                                            .orElse(false);
                    if (!alive) {
                        deleteTree(owner);
                    }
                }
            }
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                if (!Files.isDirectory(d) || d.getFileName().toString().startsWith(".")) {
                    continue;
                }
                try (DirectoryStream<Path> leftovers =
                        Files.newDirectoryStream(d, ACTIVE_TEMPORARY_PREFIX + "*")) {
                    for (Path leftover : leftovers) {
                        Files.deleteIfExists(leftover);
                    }
                }
            }
        }
    }

    private static List<String> trim(List<String> history) {
        return List.copyOf(history.subList(0, Math.min(HISTORY, history.size())));
    }

    private static void forceTree(Path dir) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            if (Files.isRegularFile(p)) {
                try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            } else {
                force(p);
            }
        }
    }

    /** Forces a folder's entries to disk (a no-op where folders cannot be opened, e.g. Windows). */
    private static void force(Path dir) throws IOException {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        BundleReader.clear(dir);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // Swept on the next open.
        }
    }

    private static BundleException io(String message, IOException e) {
        return new BundleException(Reason.STORE_IO, message + ": " + e, e);
    }
}
