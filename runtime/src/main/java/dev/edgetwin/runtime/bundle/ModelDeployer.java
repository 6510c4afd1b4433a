package dev.edgetwin.runtime.bundle;

import dev.edgetwin.runtime.bundle.BundleException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.tinylog.Logger;

/**
 * Activation and rollback on a running daemon: the model is loaded, checked against the detector
 * contract and warmed up beside the serving one, swapped in between two frames, and only then
 * recorded as active in the store. A model that fails to load leaves both the serving detector and
 * the store as they were; a kill between the swap and the store's update restarts on the version
 * the store names.
 */
public final class ModelDeployer {

    /** What serves the model: the daemon ({@code Daemon.deploymentHost()}). */
    public interface Host {
        /**
         * Loads, checks and warms up {@code model}, then serves it from the next frame.
         *
         * @throws Exception when it cannot; the serving model stays
         */
        void serve(Path model) throws Exception;

        /** The serving model's health now. */
        Health health();
    }

    /**
     * Counters the probation compares before and after a swap.
     *
     * @param model the serving model
     * @param framesProcessed frames that became results, all models
     * @param framesFailed frames a pipeline stage failed on, all models
     * @param nonFiniteFrames frames of the serving model whose output held NaN or infinity
     */
    public record Health(
            String model, long framesProcessed, long framesFailed, long nonFiniteFrames) {}

    /**
     * After an activation, how long the new model is watched and what makes it fail: more than
     * {@code maxBadFrameRate} of its frames failed or with a NaN/infinite output (judged once it
     * served {@code minFrames}), or no frame at all within the window.
     */
    public record Probation(Duration window, int minFrames, double maxBadFrameRate) {
        public Probation {
            if (window.isNegative() || window.isZero() || minFrames < 1) {
                throw new IllegalArgumentException(
                        "probation needs a positive window and minFrames >= 1");
            }
            if (!(maxBadFrameRate >= 0 && maxBadFrameRate < 1)) {
                throw new IllegalArgumentException(
                        "maxBadFrameRate must lie in [0, 1), got " + maxBadFrameRate);
            }
        }

        /** 10 s, judged from 20 frames, at most 5% bad frames. */
        public static Probation defaults() {
            return new Probation(Duration.ofSeconds(10), 20, 0.05);
        }
    }

    /**
     * How a probation ended.
     *
     * @param rolledBackTo the version serving again after an automatic rollback, or null
     */
    public record ProbationOutcome(
            String model,
            boolean passed,
            long frames,
            long badFrames,
            Duration decidedAfter,
            String reason,
            String rolledBackTo) {}

    private final ModelStore store;
    private final Host host;
    private final ModelSmokeCheck firstLoad;

    /** A deployer whose first activation of each version loads it in a child JVM first. */
    public ModelDeployer(ModelStore store, Host host) {
        this(store, host, new ModelSmokeCheck(Duration.ofSeconds(120)));
    }

    public ModelDeployer(ModelStore store, Host host, ModelSmokeCheck firstLoad) {
        this.store = store;
        this.host = host;
        this.firstLoad = firstLoad;
    }

    /** Verifies, loads, swaps in and records {@code name@version} as active. */
    public synchronized InstalledModel activate(String name, String version)
            throws BundleException {
        try {
            serveCandidate(name, version);
        } catch (BundleException e) {
            store.report(
                    ModelTransition.refused(
                            ModelTransition.Kind.ACTIVATION_REFUSED, name, version, e));
            throw e;
        }
        // The store reports the activation (or its refusal) itself.
        InstalledModel active = store.activate(name, version);
        Logger.info("Deployed {}: serving and recorded as active", active.id());
        return active;
    }

    private void serveCandidate(String name, String version) throws BundleException {
        InstalledModel candidate = store.verifyInstalled(name, version);
        if (!"detector".equals(candidate.manifest().role())) {
            throw new BundleException(
                    Reason.BAD_MANIFEST,
                    candidate.id()
                            + " is a "
                            + candidate.manifest().role()
                            + "; only detectors are served by the vision pipeline");
        }
        if (!store.isChecked(name, version)) {
            // A model that crashes ONNX Runtime takes its process along: let that be a child.
            firstLoad.check(candidate);
            store.markChecked(name, version);
        }
        swapIn(candidate);
    }

    /** Serves the previously active version again and records it. */
    public synchronized InstalledModel rollback(String name) throws BundleException {
        try {
            Optional<InstalledModel> previous = store.previous(name);
            if (previous.isEmpty()) {
                throw new BundleException(
                        Reason.NOT_INSTALLED,
                        name + " has nothing active before its current version");
            }
            swapIn(store.verifyInstalled(name, previous.get().version()));
        } catch (BundleException e) {
            store.report(
                    ModelTransition.refused(ModelTransition.Kind.ROLLBACK_REFUSED, name, null, e));
            throw e;
        }
        InstalledModel active = store.rollback(name);
        Logger.info("Rolled {} back: {} serves again", name, active.id());
        return active;
    }

    /**
     * {@link #activate}, then watches the new model for the probation window on a thread of its own
     * and rolls back by itself when it fails. The future completes with the verdict.
     */
    public CompletableFuture<ProbationOutcome> activateOnProbation(
            String name, String version, Probation probation) throws BundleException {
        InstalledModel active = activate(name, version);
        Health start = host.health();
        CompletableFuture<ProbationOutcome> outcome = new CompletableFuture<>();
        Thread watcher =
                new Thread(
                        () -> {
                            try {
                                outcome.complete(watch(active, start, probation));
                            } catch (Throwable t) {
                                outcome.completeExceptionally(t);
                            }
                        },
                        "model-probation");
        watcher.setDaemon(true);
        watcher.start();
        return outcome;
    }

    private ProbationOutcome watch(InstalledModel model, Health start, Probation probation)
            throws InterruptedException {
        long began = System.nanoTime();
        long deadline = began + probation.window().toNanos();
        while (true) {
            Thread.sleep(50);
            Health now = host.health();
            long failed = now.framesFailed() - start.framesFailed();
            // Frames with NaN outputs are processed frames too: they count once, as bad.
            long frames = now.framesProcessed() - start.framesProcessed() + failed;
            long bad = failed + now.nonFiniteFrames() - start.nonFiniteFrames();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - began);
            if (frames >= probation.minFrames() && bad > probation.maxBadFrameRate() * frames) {
                return failed(
                        model,
                        frames,
                        bad,
                        elapsed,
                        String.format(
                                java.util.Locale.ROOT,
                                "%d of %d frames failed or had NaN/infinite outputs (limit %.0f%%)",
                                bad,
                                frames,
                                100 * probation.maxBadFrameRate()));
            }
            if (System.nanoTime() >= deadline) {
                if (frames == 0) {
                    return failed(model, 0, 0, elapsed, "it served no frame in the window");
                }
                Logger.info(
                        "{} passed probation: {} frames, {} bad, in {} ms",
                        model.id(),
                        frames,
                        bad,
                        elapsed.toMillis());
                store.report(
                        ModelTransition.of(
                                ModelTransition.Kind.PROBATION_PASSED,
                                model.name(),
                                model.version(),
                                null,
                                String.format(
                                        java.util.Locale.ROOT,
                                        "%d frames, %d bad, in %d ms",
                                        frames,
                                        bad,
                                        elapsed.toMillis())));
                return new ProbationOutcome(model.id(), true, frames, bad, elapsed, "passed", null);
            }
        }
    }

    private ProbationOutcome failed(
            InstalledModel model, long frames, long bad, Duration elapsed, String reason) {
        Logger.error("{} failed probation: {}; rolling back", model.id(), reason);
        // Reported before the rollback, so subscribers see the verdict, then its consequence.
        store.report(
                new ModelTransition(
                        ModelTransition.Kind.PROBATION_FAILED,
                        model.name(),
                        model.version(),
                        null,
                        "PROBATION",
                        reason,
                        System.currentTimeMillis()));
        String back;
        try {
            back = rollback(model.name()).version();
        } catch (BundleException e) {
            Logger.error(e, "Rolling {} back after its failed probation failed", model.id());
            back = null;
        }
        return new ProbationOutcome(model.id(), false, frames, bad, elapsed, reason, back);
    }

    private void swapIn(InstalledModel model) throws BundleException {
        try {
            host.serve(model.modelFile());
        } catch (Exception e) {
            throw new BundleException(
                    Reason.MODEL_REJECTED,
                    model.id() + " could not be served, the current model stays: " + e.getMessage(),
                    e);
        }
    }
}
